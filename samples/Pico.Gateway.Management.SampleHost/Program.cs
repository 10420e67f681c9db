using Pico.Gateway.Management.SampleHost;

await SampleHostApp.Build(args).RunAsync();

namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>Writes a picoclaw config that passes the start conditions, so a fresh clone runs the demo gateway out of the box.</summary>
internal static class DemoConfigFile
{
    public const string Content = """
        {
          "agents": {
            "defaults": {
              "model_name": "demo"
            }
          },
          "model_list": [
            {
              "model_name": "demo",
              "model": "demo/echo",
              "api_key": "demo-key-not-a-secret"
            }
          ],
          "gateway": {
            "host": "127.0.0.1",
            "port": 18790
          }
        }

        """;

    /// <summary>Creates the file unless it exists.</summary>
    /// <returns><see langword="true"/> when this call created it.</returns>
    /// <exception cref="IOException">The directory or file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or file cannot be created.</exception>
    public static bool EnsureExists(string path)
    {
        if (File.Exists(path))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // CreateNew, not an existence check followed by a write: a file that appears in between is never overwritten.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using var writer = new StreamWriter(stream);
            writer.Write(Content);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}

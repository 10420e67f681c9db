using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Pico.Gateway.Management.SampleHost.Tests.Docs;

/// <summary>
/// Every <c>```csharp</c> block of the READMEs compiles as a consumer would paste it into a <c>dotnet new web</c> app: the
/// Web SDK's implicit usings and the block's own <c>using</c> lines, nothing else. A fragment may use <c>builder</c>,
/// <c>app</c> and <c>gateway</c> without declaring them, and <c>(...)</c> stands for options left out.
/// </summary>
public sealed partial class ReadmeCodeBlocksTests
{
    private static readonly string[] Readmes =
    [
        "README.md",
        "src/Pico.Gateway.Management/README.md",
        "src/Pico.Gateway.Management.HealthChecks/README.md",
    ];

    // What `dotnet new web` (Microsoft.NET.Sdk.Web, ImplicitUsings) imports.
    private const string WebSdkImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Net.Http.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    private static readonly Lazy<List<MetadataReference>> References = new(LoadReferences);

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var readme in Readmes)
        {
            foreach (var (line, _) in ReadBlocks(readme))
            {
                data.Add(readme, line);
            }
        }

        return data;
    }

    [Fact]
    public void The_readmes_have_csharp_blocks() => Assert.True(Blocks().Count >= 10, $"only {Blocks().Count} C# blocks found");

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Csharp_block_compiles(string readme, int line)
    {
        var code = ReadBlocks(readme).Single(block => block.Line == line).Code;
        var compilation = CSharpCompilation.Create(
            "ReadmeBlock",
            [
                CSharpSyntaxTree.ParseText(WebSdkImplicitUsings, Options, path: "GlobalUsings.cs"),
                CSharpSyntaxTree.ParseText(AsProgram(code), Options, path: $"{readme}:{line}"),
            ],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, $"the C# block at {readme}:{line} does not compile:\n{string.Join('\n', errors)}\n\n{code}");
    }

    private static CSharpParseOptions Options => new(LanguageVersion.Latest);

    /// <summary>The block's usings first, then declarations of what a fragment takes for granted, then the block.</summary>
    private static string AsProgram(string block)
    {
        var usings = new StringBuilder();
        var body = new StringBuilder();
        foreach (var line in block.Split('\n'))
        {
            var isUsing = UsingDirective().IsMatch(line);
            (isUsing && body.Length == 0 ? usings : body).Append(line).Append('\n');
        }

        var prelude = new StringBuilder();
        var text = body.ToString().Replace("(...)", "()", StringComparison.Ordinal);
        if (!Declares(text, "builder"))
        {
            prelude.AppendLine("var builder = WebApplication.CreateBuilder(args);");
        }

        if (!Declares(text, "app"))
        {
            prelude.AppendLine("var app = builder.Build();");
        }

        if (text.Contains("gateway.", StringComparison.Ordinal) && !Regex.IsMatch(text, @"(\bvar|IGatewayManager) gateway\b"))
        {
            prelude.AppendLine("Pico.Gateway.Management.IGatewayManager gateway = null!;");
        }

        return $"{usings}{prelude}{text}";
    }

    private static bool Declares(string code, string name) => Regex.IsMatch(code, $@"\bvar {name}\b");

    private static IEnumerable<(int Line, string Code)> ReadBlocks(string readme)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), readme));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            yield return (start, string.Join('\n', lines[start..end]));
            i = end;
        }
    }

    /// <summary>The shared framework (runtime and ASP.NET Core), the two packages and their System.Reactive: what a web app referencing them compiles against.</summary>
    private static List<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(path => path.Contains($"{Path.DirectorySeparatorChar}shared{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || Path.GetFileName(path) is "Pico.Gateway.Management.dll" or "Pico.Gateway.Management.HealthChecks.dll" or "System.Reactive.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pico.Gateway.Management.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("the repository root (Pico.Gateway.Management.sln) was not found");
    }

    [GeneratedRegex(@"^using [A-Za-z0-9_.]+( = [A-Za-z0-9_.<>]+)?;\s*$")]
    private static partial Regex UsingDirective();
}

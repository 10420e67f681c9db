using Pico.Gateway.Management.SampleHost.Picoclaw;
using Pico.Gateway.Management.SampleHost.Tests.Testing;

namespace Pico.Gateway.Management.SampleHost.Tests.Picoclaw;

/// <summary>
/// The config is parsed once per change, not on every health tick: an unchanged file is read once, a saved file (written in
/// place or renamed over) is read again, a broken one is reported on every call until it is fixed, and the watcher's
/// invalidation covers a change the file's times cannot show.
/// </summary>
public sealed class PicoclawConfigCacheTests
{
    [Fact]
    public void An_unchanged_file_is_read_once_however_often_it_is_asked_for()
    {
        using var workspace = new TestWorkspace();
        var cache = new PicoclawConfigCache(workspace.ConfigPath);

        var first = cache.Load();
        var again = Enumerable.Range(0, 10).Select(_ => cache.Load()).ToList();

        Assert.Equal(1, cache.Loads);
        Assert.All(again, config => Assert.Same(first, config));
        Assert.Equal("demo", first.DefaultModelName);
    }

    [Fact]
    public void A_file_saved_by_renaming_a_new_one_over_it_is_read_again()
    {
        using var workspace = new TestWorkspace();
        var cache = new PicoclawConfigCache(workspace.ConfigPath);
        Assert.Equal("demo", cache.Load().DefaultModelName);

        workspace.WriteConfig(PicoclawConfigs.Valid(workspace.GatewayPort, defaultModel: "other", otherModels: "other"));

        Assert.Equal("other", cache.Load().DefaultModelName);
        Assert.Equal(2, cache.Loads);
    }

    [Fact]
    public void A_change_that_leaves_size_and_times_alike_is_read_after_the_watcher_invalidates()
    {
        using var workspace = new TestWorkspace();
        var cache = new PicoclawConfigCache(workspace.ConfigPath);
        File.WriteAllText(workspace.ConfigPath, PicoclawConfigs.Valid(workspace.GatewayPort, defaultModel: "aaaa", otherModels: "aaaa"));
        var written = File.GetLastWriteTimeUtc(workspace.ConfigPath);
        Assert.Equal("aaaa", cache.Load().DefaultModelName);

        // In place, the same length, and the old modification time put back: what two writes within one clock tick look like.
        File.WriteAllText(workspace.ConfigPath, PicoclawConfigs.Valid(workspace.GatewayPort, defaultModel: "bbbb", otherModels: "bbbb"));
        File.SetLastWriteTimeUtc(workspace.ConfigPath, written);
        var stale = cache.Load().DefaultModelName;
        cache.Invalidate();

        Assert.Equal("aaaa", stale);
        Assert.Equal("bbbb", cache.Load().DefaultModelName);
    }

    [Fact]
    public void A_broken_file_fails_every_call_from_one_read_and_is_read_again_once_fixed()
    {
        using var workspace = new TestWorkspace();
        var cache = new PicoclawConfigCache(workspace.ConfigPath);
        workspace.WriteConfig("{ not json");

        var first = Assert.Throws<PicoclawConfigException>(() => cache.Load());
        var second = Assert.Throws<PicoclawConfigException>(() => cache.Load());
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(1, cache.Loads);

        workspace.WriteConfig(PicoclawConfigs.Valid(workspace.GatewayPort));
        Assert.Equal("demo", cache.Load().DefaultModelName);
    }

    [Fact]
    public void A_missing_file_is_picoclaw_s_empty_config_until_it_is_created()
    {
        using var workspace = new TestWorkspace();
        var path = Path.Combine(workspace.Directory, "later.json");
        var cache = new PicoclawConfigCache(path);

        Assert.Same(PicoclawConfig.Empty, cache.Load());

        File.WriteAllText(path, PicoclawConfigs.Valid(workspace.GatewayPort));
        Assert.Equal("demo", cache.Load().DefaultModelName);
    }
}

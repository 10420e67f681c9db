namespace Pico.Gateway.Management.SampleHost.Picoclaw;

/// <summary>
/// picoclaw's config as last read, read again only when the file changed: the start condition and the fingerprint ask for it
/// on every health tick, and an unchanged file should cost one <c>stat</c>, not an open, a lock, a read and a JSON parse each.
/// A change is seen from the file's size, modification and creation times (an atomic save is a new file), and from
/// <see cref="Invalidate"/>, which the config watcher calls on every event: two same-sized writes within one tick of the
/// file system's clock leave the times alike.
/// </summary>
internal sealed class PicoclawConfigCache(string path)
{
    private readonly Lock _gate = new();
    private Entry? _entry;

    /// <summary>Gets how many times the file was read and parsed (for tests of the cache itself).</summary>
    public int Loads { get; private set; }

    /// <summary>The config as <see cref="PicoclawConfig.Load"/> reads it now.</summary>
    /// <exception cref="PicoclawConfigException">The file cannot be read or is not a valid config.</exception>
    public PicoclawConfig Load()
    {
        // The stamp is taken before the read: a write after it changes the stamp the next call sees, so it is never missed.
        var stamp = Stamp.Of(path);
        lock (_gate)
        {
            if (_entry is not { } entry || entry.Stamp != stamp)
            {
                PicoclawConfig? config = null;
                PicoclawConfigException? error = null;
                try
                {
                    config = PicoclawConfig.Load(path);
                }
                catch (PicoclawConfigException ex)
                {
                    error = ex;
                }

                Loads++;
                entry = new Entry(stamp, config, error);
                _entry = entry;
            }

            return entry.Config ?? throw entry.Error!;
        }
    }

    /// <summary>Forgets the cached config: the next <see cref="Load"/> reads the file whatever its stamp says.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _entry = null;
        }
    }

    private sealed record Entry(Stamp Stamp, PicoclawConfig? Config, PicoclawConfigException? Error);

    private readonly record struct Stamp(bool Exists, long Length, long Modified, long Created)
    {
        public static Stamp Of(string path)
        {
            var file = new FileInfo(path);
            return file.Exists
                ? new Stamp(true, file.Length, file.LastWriteTimeUtc.Ticks, file.CreationTimeUtc.Ticks)
                : default;
        }
    }
}

using Pico.Gateway.Management.Processes.Containment;

namespace Pico.Gateway.Management.Tests.Containment;

public sealed class CgroupHierarchyTests
{
    private const string Hybrid = """
        25 31 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        35 25 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        36 35 0:31 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
        37 35 0:32 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
        """;

    // A container that sees only its own subtree, mounted at the usual place.
    private const string Container = """
        600 590 0:40 /system.slice/docker-abc.scope /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw
        """;

    [Fact]
    public void On_a_hybrid_system_the_own_cgroup_is_under_the_unified_mount()
    {
        Assert.True(CgroupHierarchy.TryFindOwnCgroup(Hybrid, "1:name=systemd:/user.slice\n0::/user.slice/app.service\n", out var directory, out _));
        Assert.Equal("/sys/fs/cgroup/unified/user.slice/app.service", directory);
        Assert.Equal("/user.slice/app.service/pico", CgroupHierarchy.ToCgroupPath(Hybrid, "/sys/fs/cgroup/unified/user.slice/app.service/pico"));
    }

    [Fact]
    public void The_root_cgroup_is_the_mount_point()
    {
        Assert.True(CgroupHierarchy.TryFindOwnCgroup(Hybrid, "0::/\n", out var directory, out _));
        Assert.Equal("/sys/fs/cgroup/unified", directory);
        Assert.Equal("/", CgroupHierarchy.ToCgroupPath(Hybrid, "/sys/fs/cgroup/unified"));
    }

    [Fact]
    public void In_a_container_the_mount_root_is_taken_off_the_own_path()
    {
        Assert.True(CgroupHierarchy.TryFindOwnCgroup(Container, "0::/system.slice/docker-abc.scope/app\n", out var directory, out _));
        Assert.Equal("/sys/fs/cgroup/app", directory);
        Assert.Equal("/system.slice/docker-abc.scope/app/x", CgroupHierarchy.ToCgroupPath(Container, "/sys/fs/cgroup/app/x"));
    }

    [Fact]
    public void Without_cgroup_v2_it_says_why()
    {
        Assert.False(CgroupHierarchy.TryFindOwnCgroup(Hybrid, "1:name=systemd:/user.slice\n", out _, out var noLine));
        Assert.Contains("no '0::' line", noLine, StringComparison.Ordinal);
        Assert.False(CgroupHierarchy.TryFindOwnCgroup("37 35 0:32 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw", "0::/\n", out _, out var noMount));
        Assert.Contains("no cgroup2 file system", noMount, StringComparison.Ordinal);
        Assert.Null(CgroupHierarchy.ToCgroupPath(Hybrid, "/tmp/pico"));
    }

    [Fact]
    public void Escaped_mount_points_are_read_back()
    {
        Assert.True(CgroupHierarchy.TryFindOwnCgroup("36 35 0:31 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw", "0::/a\n", out var directory, out _));
        Assert.Equal("/mnt/my cgroups/a", directory);
    }
}

namespace Pico.Gateway.Management.Configuration;

/// <summary>The validation rules of <see cref="GatewayOptions.Containment"/> and <see cref="GatewayOptions.CgroupParent"/>.</summary>
internal static class ContainmentRules
{
    public static void Validate(List<string> errors, string prefix, GatewayOptions options)
    {
        if (!Enum.IsDefined(options.Containment))
        {
            errors.Add($"{prefix}Containment must be Auto, Cgroup, Tracked or ProcessGroup (was {options.Containment}).");
        }

        if (options.CgroupParent is { } parent && (!parent.StartsWith('/') || parent.Contains('\0', StringComparison.Ordinal)))
        {
            errors.Add($"{prefix}CgroupParent must be an absolute path to a cgroup v2 directory (was '{parent}').");
        }

        if (options.CgroupParent is not null && options.Containment is not (GatewayContainmentMode.Auto or GatewayContainmentMode.Cgroup))
        {
            errors.Add($"{prefix}CgroupParent is only used when {prefix}Containment is Auto or Cgroup (was {options.Containment}).");
        }
    }
}

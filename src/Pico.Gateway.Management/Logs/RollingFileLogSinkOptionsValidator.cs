using Microsoft.Extensions.Options;

namespace Pico.Gateway.Management.Logs;

/// <summary>Validates <see cref="RollingFileLogSinkOptions"/> when the host starts, reporting every problem at once.</summary>
internal sealed class RollingFileLogSinkOptionsValidator : IValidateOptions<RollingFileLogSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, RollingFileLogSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => $"RollingFileLogSink{(string.IsNullOrEmpty(name) ? "" : $" ({name})")}: {e}"));
    }
}

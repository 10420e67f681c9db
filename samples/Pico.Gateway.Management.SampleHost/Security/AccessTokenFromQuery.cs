namespace Pico.Gateway.Management.SampleHost.Security;

/// <summary>
/// A request feature: the <c>access_token</c> query parameter, taken out of the request's query string before the request
/// was logged or seen by any middleware. Only <see cref="ApiSecurity"/> reads it.
/// </summary>
internal sealed record AccessTokenFromQuery(string Token);

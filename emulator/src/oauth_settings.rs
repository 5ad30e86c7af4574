//! OAuth settings read from requests, with Cognito's validation errors: an app client's OAuth members
//! (CreateUserPoolClient / UpdateUserPoolClient), identity providers (CreateIdentityProvider), resource
//! servers (CreateResourceServer) and domains (CreateUserPoolDomain).

use crate::error::{CognitoError, OpResult};
use crate::oauth_model::{ClientOAuth, IdentityProvider, ResourceServer};
use crate::request::Req;
use crate::state::Pool;

/// The scopes every pool knows; the others are `{resource server}/{scope}`.
pub const STANDARD_SCOPES: &[&str] = &[
    "phone",
    "email",
    "openid",
    "profile",
    "aws.cognito.signin.user.admin",
];

const OAUTH_FLOWS: &[&str] = &["code", "implicit", "client_credentials"];

const PROVIDER_TYPES: &[&str] = &[
    "SAML",
    "Facebook",
    "Google",
    "LoginWithAmazon",
    "SignInWithApple",
    "OIDC",
];

/// The name `SupportedIdentityProviders` gives the user pool's own directory.
pub const COGNITO_PROVIDER: &str = "COGNITO";

fn invalid_flow(message: &str) -> CognitoError {
    CognitoError::new("InvalidOAuthFlowException", message)
}

/// Whether `scope` is a standard scope or one of the pool's resource-server scopes.
pub fn scope_exists(pool: &Pool, scope: &str) -> bool {
    STANDARD_SCOPES.contains(&scope)
        || pool
            .oauth
            .resource_servers
            .values()
            .any(|server| server.defines(scope))
}

/// The OAuth members of CreateUserPoolClient / UpdateUserPoolClient, for a client of `pool`.
pub fn read_client_oauth(req: Req<'_>, has_secret: bool, pool: &Pool) -> OpResult<ClientOAuth> {
    let list = |member: &str| -> OpResult<Vec<String>> {
        Ok(req.opt_str_list(member)?.unwrap_or_default())
    };
    let flows = list("AllowedOAuthFlows")?;
    for flow in &flows {
        if !OAUTH_FLOWS.contains(&flow.as_str()) {
            return Err(CognitoError::validation(
                "allowedOAuthFlows",
                "Member must satisfy enum value set: [code, implicit, client_credentials]",
            ));
        }
    }
    let client_credentials = flows.iter().any(|f| f == "client_credentials");
    if client_credentials && flows.iter().any(|f| f != "client_credentials") {
        return Err(invalid_flow(
            "client_credentials flow can not be selected along with code flow or implicit flow.",
        ));
    }
    if client_credentials && !has_secret {
        return Err(invalid_flow(
            "client_credentials flow can not be selected if client does not have a client secret.",
        ));
    }
    let enabled = req
        .opt_bool("AllowedOAuthFlowsUserPoolClient")?
        .unwrap_or(false);
    let scopes = list("AllowedOAuthScopes")?;
    if enabled && (flows.is_empty() || scopes.is_empty()) {
        return Err(CognitoError::invalid_parameter(
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.",
        ));
    }
    for scope in &scopes {
        if !scope_exists(pool, scope) {
            return Err(CognitoError::new(
                "ScopeDoesNotExistException",
                format!("Invalid scope requested: {scope}"),
            ));
        }
    }
    if client_credentials && scopes.iter().any(|s| STANDARD_SCOPES.contains(&s.as_str())) {
        return Err(invalid_flow(
            "client_credentials flow can only be used with custom scopes.",
        ));
    }
    let callback_urls = list("CallbackURLs")?;
    let logout_urls = list("LogoutURLs")?;
    for url in callback_urls.iter().chain(&logout_urls) {
        check_redirect_url(url)?;
    }
    let user_flows = flows.iter().any(|f| f == "code" || f == "implicit");
    if enabled && user_flows && callback_urls.is_empty() {
        return Err(CognitoError::invalid_parameter(
            "CallbackURLs are required for the code and implicit flows.",
        ));
    }
    let default_redirect_uri = req.opt_str("DefaultRedirectURI")?.map(str::to_owned);
    if let Some(uri) = &default_redirect_uri {
        check_redirect_url(uri)?;
        if !callback_urls.contains(uri) {
            return Err(CognitoError::invalid_parameter(
                "DefaultRedirectURI must be one of the CallbackURLs.",
            ));
        }
    }
    let identity_providers = list("SupportedIdentityProviders")?;
    for name in &identity_providers {
        if name != COGNITO_PROVIDER && !pool.oauth.identity_providers.contains_key(name) {
            return Err(CognitoError::invalid_parameter(format!(
                "The provider {name} does not exist for User Pool {}",
                pool.id
            )));
        }
    }
    Ok(ClientOAuth {
        flows,
        enabled,
        scopes,
        callback_urls,
        logout_urls,
        default_redirect_uri,
        identity_providers,
    })
}

/// Callback and logout URLs: absolute, without a fragment, and HTTPS — plain HTTP only on a loopback host
/// (Cognito allows `http://localhost`; the emulator also takes `127.0.0.1` and `[::1]`, where its tests
/// run). App schemes (`myapp://callback`) are allowed, as in Cognito.
pub fn check_redirect_url(url: &str) -> OpResult<()> {
    let invalid = || CognitoError::invalid_parameter(format!("Invalid redirect URL: {url}"));
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok || url.contains('#') || url.len() > 1024 || url.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    if scheme.eq_ignore_ascii_case("http") {
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        if !["localhost", "127.0.0.1", "::1"].contains(&host) {
            return Err(invalid());
        }
    }
    Ok(())
}

/// CreateIdentityProvider's request, as a provider of `pool`.
pub fn read_identity_provider(req: Req<'_>, pool: &Pool, now: i64) -> OpResult<IdentityProvider> {
    let name = req.str("ProviderName")?;
    let name_ok = name.chars().count() <= 32
        && !name.starts_with('_')
        && !name.chars().any(char::is_whitespace)
        && name != COGNITO_PROVIDER;
    if !name_ok {
        return Err(CognitoError::validation(
            "providerName",
            "Member must satisfy regular expression pattern: [^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+",
        ));
    }
    let provider_type = req.str("ProviderType")?;
    if !PROVIDER_TYPES.contains(&provider_type) {
        return Err(CognitoError::validation(
            "providerType",
            "Member must satisfy enum value set: [SAML, Facebook, Google, LoginWithAmazon, SignInWithApple, OIDC]",
        ));
    }
    let details = req.string_map("ProviderDetails")?;
    if provider_type == "OIDC" {
        for key in [
            "client_id",
            "authorize_scopes",
            "oidc_issuer",
            "attributes_request_method",
        ] {
            if !details.contains_key(key) {
                return Err(CognitoError::invalid_parameter(format!(
                    "{key} is required for OIDC identity providers."
                )));
            }
        }
        if !["GET", "POST"].contains(&details["attributes_request_method"].as_str()) {
            return Err(CognitoError::invalid_parameter(
                "attributes_request_method must be GET or POST.",
            ));
        }
    }
    let attribute_mapping = req.string_map("AttributeMapping")?;
    let idp_identifiers = req.opt_str_list("IdpIdentifiers")?.unwrap_or_default();
    if pool.oauth.identity_providers.contains_key(name) {
        return Err(CognitoError::new(
            "DuplicateProviderException",
            format!("A provider with the name {name} already exists in this user pool."),
        ));
    }
    for identifier in &idp_identifiers {
        let taken = pool
            .oauth
            .identity_providers
            .values()
            .any(|p| p.idp_identifiers.contains(identifier));
        if taken {
            return Err(CognitoError::new(
                "DuplicateProviderException",
                format!("The identifier {identifier} is already used by another provider."),
            ));
        }
    }
    Ok(IdentityProvider {
        name: name.to_owned(),
        provider_type: provider_type.to_owned(),
        details,
        attribute_mapping,
        idp_identifiers,
        created: now,
        modified: now,
    })
}

/// CreateResourceServer's request.
pub fn read_resource_server(req: Req<'_>) -> OpResult<ResourceServer> {
    let identifier = req.str("Identifier")?;
    let name = req.str("Name")?;
    if identifier.len() > 256 || identifier.chars().any(|c| c.is_whitespace() || c == '"') {
        return Err(CognitoError::validation(
            "identifier",
            "Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+",
        ));
    }
    let mut scopes = Vec::new();
    if let Some(items) = req.get("Scopes") {
        let items = items
            .as_array()
            .ok_or_else(|| CognitoError::serialization("Member Scopes must be a list"))?;
        for item in items {
            let item = item.as_object().ok_or_else(|| {
                CognitoError::serialization("Member Scopes must be a list of structures")
            })?;
            let scope = Req(item);
            let scope_name = scope.str("ScopeName")?;
            let name_ok = scope_name.len() <= 256
                && scope_name
                    .bytes()
                    .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'/' && b != b'\\');
            if !name_ok {
                return Err(CognitoError::validation(
                    "scopes.member.scopeName",
                    "Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+",
                ));
            }
            let description = scope.str("ScopeDescription")?;
            scopes.push((scope_name.to_owned(), description.to_owned()));
        }
    }
    Ok(ResourceServer {
        identifier: identifier.to_owned(),
        name: name.to_owned(),
        scopes,
    })
}

/// A domain prefix (`my-app`, served as `my-app.auth.<region>.amazoncognito.com`) or, with
/// `CustomDomainConfig`, a domain name of one's own.
pub fn check_domain(domain: &str, custom: bool) -> OpResult<()> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let ok = if custom {
        domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok)
    } else {
        label_ok(domain) && !domain.contains("aws") && !domain.contains("amazon")
    };
    if ok {
        Ok(())
    } else {
        Err(CognitoError::validation(
            "domain",
            "Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_urls() {
        assert!(check_redirect_url("https://app.example/cb").is_ok());
        assert!(check_redirect_url("http://localhost:3000/cb").is_ok());
        assert!(check_redirect_url("http://127.0.0.1:5173/").is_ok());
        assert!(check_redirect_url("http://[::1]:8080/cb").is_ok());
        assert!(check_redirect_url("myapp://callback").is_ok());
        assert!(check_redirect_url("http://example.com/cb").is_err());
        assert!(check_redirect_url("http://localhost.evil.example/cb").is_err());
        assert!(check_redirect_url("https://app.example/cb#frag").is_err());
        assert!(check_redirect_url("/relative").is_err());
    }

    #[test]
    fn domains() {
        assert!(check_domain("my-app-1", false).is_ok());
        assert!(check_domain("-bad", false).is_err());
        assert!(check_domain("Upper", false).is_err());
        assert!(check_domain("my-aws-app", false).is_err());
        assert!(check_domain("auth.example.com", true).is_ok());
        assert!(check_domain("nodot", true).is_err());
    }
}

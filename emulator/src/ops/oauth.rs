//! The operations that set up a pool's OAuth 2.0 side: its domain (CreateUserPoolDomain,
//! DescribeUserPoolDomain, DeleteUserPoolDomain), identity providers (CreateIdentityProvider,
//! DescribeIdentityProvider, ListIdentityProviders) and resource servers (CreateResourceServer,
//! DescribeResourceServer). The app client's OAuth members are read with the client's other settings.

use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::{CognitoError, OpResult};
use crate::oauth_settings::{check_domain, read_identity_provider, read_resource_server};
use crate::request::Req;

/// CreateUserPoolDomain. A pool has one domain, and a domain belongs to one pool.
pub fn create_user_pool_domain(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let domain = req.str("Domain")?;
    let pool_id = req.str("UserPoolId")?;
    let custom = req.opt_object("CustomDomainConfig")?.is_some();
    check_domain(domain, custom)?;
    let mut store = state.store();
    store.pool(pool_id)?;
    if store
        .pools
        .values()
        .any(|pool| pool.oauth.domain.as_deref() == Some(domain))
    {
        return Err(CognitoError::invalid_parameter(
            "Domain already associated with another user pool.",
        ));
    }
    let pool = store.pool_mut(pool_id)?;
    if pool.oauth.domain.is_some() {
        return Err(CognitoError::invalid_parameter(format!(
            "User pool {pool_id} already has a domain configured."
        )));
    }
    pool.oauth.domain = Some(domain.to_owned());
    Ok(if custom {
        json!({ "CloudFrontDomain": format!("{domain}.cloudfront.net") })
    } else {
        json!({})
    })
}

/// DescribeUserPoolDomain: an unknown domain answers an empty description, as Cognito does.
pub fn describe_user_pool_domain(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let domain = req.str("Domain")?;
    let store = state.store();
    let Some(pool) = store
        .pools
        .values()
        .find(|pool| pool.oauth.domain.as_deref() == Some(domain))
    else {
        return Ok(json!({ "DomainDescription": {} }));
    };
    Ok(json!({ "DomainDescription": {
        "UserPoolId": pool.id,
        "AWSAccountId": "000000000000",
        "Domain": domain,
        "S3Bucket": "",
        "CloudFrontDistribution": "",
        "Version": "1",
        "Status": "ACTIVE",
        "ManagedLoginVersion": 1,
    }}))
}

/// DeleteUserPoolDomain.
pub fn delete_user_pool_domain(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let domain = req.str("Domain")?;
    let pool_id = req.str("UserPoolId")?;
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    if pool.oauth.domain.as_deref() != Some(domain) {
        return Err(CognitoError::invalid_parameter(format!(
            "No such domain or user pool exists: {domain}"
        )));
    }
    pool.oauth.domain = None;
    Ok(json!({}))
}

/// CreateIdentityProvider.
pub fn create_identity_provider(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let now = state.now_millis();
    let mut store = state.store();
    let provider = read_identity_provider(req, store.pool(pool_id)?, now)?;
    let reply = json!({ "IdentityProvider": provider.to_json(pool_id) });
    store
        .pool_mut(pool_id)?
        .oauth
        .identity_providers
        .insert(provider.name.clone(), provider);
    Ok(reply)
}

/// DescribeIdentityProvider.
pub fn describe_identity_provider(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let name = req.str("ProviderName")?;
    let store = state.store();
    let provider = store
        .pool(pool_id)?
        .oauth
        .identity_providers
        .get(name)
        .ok_or_else(|| {
            CognitoError::resource_not_found(format!("Identity provider {name} does not exist."))
        })?;
    Ok(json!({ "IdentityProvider": provider.to_json(pool_id) }))
}

/// ListIdentityProviders: pages in name order; NextToken is the last name returned.
pub fn list_identity_providers(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let max = req.opt_i64("MaxResults")?.unwrap_or(60);
    if !(1..=60).contains(&max) {
        return Err(CognitoError::validation(
            "maxResults",
            "Member must have value less than or equal to 60",
        ));
    }
    let after = req.opt_str("NextToken")?;
    let store = state.store();
    let providers = &store.pool(pool_id)?.oauth.identity_providers;
    let page: Vec<_> = providers
        .values()
        .filter(|p| after.is_none_or(|after| p.name.as_str() > after))
        .take(max as usize)
        .collect();
    let mut reply = json!({ "Providers": page.iter().map(|p| json!({
        "ProviderName": p.name,
        "ProviderType": p.provider_type,
        "LastModifiedDate": crate::util::epoch_seconds(p.modified),
        "CreationDate": crate::util::epoch_seconds(p.created),
    })).collect::<Vec<_>>() });
    if let Some(last) = page.last() {
        if providers.keys().any(|name| name > &last.name) {
            reply["NextToken"] = json!(last.name);
        }
    }
    Ok(reply)
}

/// CreateResourceServer.
pub fn create_resource_server(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let server = read_resource_server(req)?;
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    if pool.oauth.resource_servers.contains_key(&server.identifier) {
        return Err(CognitoError::invalid_parameter(format!(
            "{} already exists in user pool {pool_id}.",
            server.identifier
        )));
    }
    let reply = json!({ "ResourceServer": server.to_json(pool_id) });
    pool.oauth
        .resource_servers
        .insert(server.identifier.clone(), server);
    Ok(reply)
}

/// DescribeResourceServer.
pub fn describe_resource_server(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let identifier = req.str("Identifier")?;
    let store = state.store();
    let server = store
        .pool(pool_id)?
        .oauth
        .resource_servers
        .get(identifier)
        .ok_or_else(|| {
            CognitoError::resource_not_found(format!(
                "Resource server {identifier} does not exist."
            ))
        })?;
    Ok(json!({ "ResourceServer": server.to_json(pool_id) }))
}

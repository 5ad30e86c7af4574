//! Typed access to a request body (a JSON object), with the service's validation errors.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{CognitoError, OpResult};

/// A request body, already known to be a JSON object.
#[derive(Clone, Copy)]
pub struct Req<'a>(pub &'a Map<String, Value>);

fn wrong_type(name: &str, expected: &str) -> CognitoError {
    CognitoError::serialization(format!("Member {name} must be {expected}"))
}

impl<'a> Req<'a> {
    /// A member; JSON `null` counts as absent, as the AWS JSON protocol treats it.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A required, non-empty string member.
    pub fn str(&self, name: &str) -> OpResult<&'a str> {
        match self.opt_str(name)? {
            None => Err(CognitoError::missing_member(name)),
            Some("") => Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must have length greater than or equal to 1",
                crate::error::lower_camel(name)
            ))),
            Some(value) => Ok(value),
        }
    }

    pub fn opt_str(&self, name: &str) -> OpResult<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type(name, "a string")),
        }
    }

    pub fn opt_bool(&self, name: &str) -> OpResult<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(wrong_type(name, "a boolean")),
        }
    }

    pub fn opt_i64(&self, name: &str) -> OpResult<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(value) => value
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong_type(name, "an integer")),
        }
    }

    /// A nested structure.
    pub fn opt_object(&self, name: &str) -> OpResult<Option<Req<'a>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Req(map))),
            Some(_) => Err(wrong_type(name, "a structure")),
        }
    }

    /// A `map<string,string>` such as `AuthParameters`; absent means empty.
    pub fn string_map(&self, name: &str) -> OpResult<BTreeMap<String, String>> {
        match self.get(name) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(wrong_type(&format!("{name}.{k}"), "a string")),
                })
                .collect(),
            Some(_) => Err(wrong_type(name, "a map")),
        }
    }

    /// A list of strings.
    pub fn opt_str_list(&self, name: &str) -> OpResult<Option<Vec<String>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| wrong_type(name, "a list of strings"))
                })
                .collect::<OpResult<Vec<_>>>()
                .map(Some),
            Some(_) => Err(wrong_type(name, "a list")),
        }
    }

    /// A list of `AttributeType {Name, Value}`.
    pub fn attributes(&self, name: &str) -> OpResult<Vec<(String, String)>> {
        let Some(value) = self.get(name) else {
            return Ok(Vec::new());
        };
        let Some(items) = value.as_array() else {
            return Err(wrong_type(name, "a list"));
        };
        items
            .iter()
            .map(|item| {
                let item = item
                    .as_object()
                    .ok_or_else(|| wrong_type(name, "a list of attributes"))?;
                let attr = Req(item);
                Ok((
                    attr.str("Name")?.to_owned(),
                    attr.opt_str("Value")?.unwrap_or_default().to_owned(),
                ))
            })
            .collect()
    }
}

pub fn required<'m>(params: &'m BTreeMap<String, String>, name: &str) -> OpResult<&'m str> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| CognitoError::missing_parameter(name))
}

/// What the HTTP layer knows about a call besides its body.
#[derive(Clone, Debug, Default)]
pub struct CallContext {
    /// Region of a SigV4 `Authorization` header's credential scope (boto3 signs admin calls); new pools
    /// are created in it so that ids match the client's configured region.
    pub signed_region: Option<String>,
}

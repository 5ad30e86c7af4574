//! Reading the app's arguments (JSON text written by `JSON.stringify`) member by member. One small reader
//! serves every call: a derived deserializer per argument type compiled to several kilobytes each.
//! `undefined` never reaches here (`JSON.stringify` drops it) and `null` means absent, as apps pass both for
//! "not given".

use serde_json::Value;

use crate::Error;
use crate::protocol::StringMap;

pub struct Args<'a> {
    value: Value,
    /// Which argument, for error messages: "signIn input".
    what: &'a str,
}

impl<'a> Args<'a> {
    pub fn parse(json: &str, what: &'a str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(json)
            .map_err(|_| Error::invalid_parameter(format!("{what}: not valid JSON")))?;
        if !(value.is_object() || value.is_null()) {
            return Err(Error::invalid_parameter(format!(
                "{what}: expected an object"
            )));
        }
        Ok(Self { value, what })
    }

    /// The member at `path` (e.g. `"options.clientMetadata"`), `None` when it or an object on the way is
    /// absent or null.
    fn get(&self, path: &str) -> Result<Option<&Value>, Error> {
        let mut value = &self.value;
        for key in path.split('.') {
            value = match value {
                Value::Null => return Ok(None),
                Value::Object(members) => match members.get(key) {
                    Some(member) => member,
                    None => return Ok(None),
                },
                _ => return Err(self.wrong(path, "an object on the way")),
            };
        }
        Ok(Some(value).filter(|v| !v.is_null()))
    }

    fn wrong(&self, path: &str, expected: &str) -> Error {
        Error::invalid_parameter(format!("{}: {path} must be {expected}", self.what))
    }

    pub fn string(&self, path: &str) -> Result<String, Error> {
        self.opt_string(path)?
            .ok_or_else(|| Error::invalid_parameter(format!("{}: {path} is required", self.what)))
    }

    /// A string that may be left out (the empty string then).
    pub fn string_or_empty(&self, path: &str) -> Result<String, Error> {
        Ok(self.opt_string(path)?.unwrap_or_default())
    }

    pub fn opt_string(&self, path: &str) -> Result<Option<String>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.wrong(path, "a string")),
        }
    }

    pub fn opt_u32(&self, path: &str) -> Result<Option<u32>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| self.wrong(path, "a whole number")),
        }
    }

    pub fn opt_bool(&self, path: &str) -> Result<Option<bool>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(value) => value
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.wrong(path, "true or false")),
        }
    }

    /// An object of string values.
    pub fn opt_map(&self, path: &str) -> Result<Option<StringMap>, Error> {
        let Some(value) = self.get(path)? else {
            return Ok(None);
        };
        let members = value
            .as_object()
            .ok_or_else(|| self.wrong(path, "an object of strings"))?;
        members
            .iter()
            .map(|(key, value)| match value {
                Value::String(text) => Ok((key.clone(), text.clone())),
                _ => Err(self.wrong(path, "an object of strings")),
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    pub fn map_or_empty(&self, path: &str) -> Result<StringMap, Error> {
        Ok(self.opt_map(path)?.unwrap_or_default())
    }

    pub fn strings(&self, path: &str) -> Result<Vec<String>, Error> {
        let items = self
            .get(path)?
            .ok_or_else(|| Error::invalid_parameter(format!("{}: {path} is required", self.what)))?
            .as_array()
            .ok_or_else(|| self.wrong(path, "an array of strings"))?;
        items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| self.wrong(path, "an array of strings"))
            })
            .collect()
    }

    /// A string that must be one of `choices` (`None` when absent).
    pub fn opt_choice<T: Copy>(
        &self,
        path: &str,
        choices: &[(&str, T)],
    ) -> Result<Option<T>, Error> {
        let Some(given) = self.opt_string(path)? else {
            return Ok(None);
        };
        choices
            .iter()
            .find(|(name, _)| *name == given)
            .map(|(_, choice)| Some(*choice))
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
                self.wrong(path, &format!("one of {}", names.join(", ")))
            })
    }
}

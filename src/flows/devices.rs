//! Managing remembered devices once signed in: the replies of ListDevices and GetDevice, and the device as
//! the app sees it. (Their requests are built from the table in `wasm/account.rs`; registering a new device
//! and device SRP happen inside the sign-in flow.)

use crate::error::Error;
use crate::json::{Reader, Value};
use crate::prelude::*;
use crate::protocol::StringMap;
use crate::protocol::{Attribute, Members};

/// `DeviceType` as Cognito sends it.
#[derive(Clone, Debug)]
/// Its dates are whole milliseconds (Cognito sends seconds, with a fraction): the module writes no floats.
pub struct DeviceReply {
    pub device_key: String,
    pub device_attributes: Vec<Attribute>,
    pub device_create_date: Option<i64>,
    pub device_last_modified_date: Option<i64>,
    pub device_last_authenticated_date: Option<i64>,
}

impl DeviceReply {
    fn read(device: Reader<'_>) -> Result<Self, Error> {
        let mut members = Members::default();
        let read = Self {
            device_key: members.keep(device.string("DeviceKey")),
            device_attributes: members.keep(Attribute::list(device, "DeviceAttributes")),
            device_create_date: members.keep(device.opt_millis("DeviceCreateDate")),
            device_last_modified_date: members.keep(device.opt_millis("DeviceLastModifiedDate")),
            device_last_authenticated_date: members
                .keep(device.opt_millis("DeviceLastAuthenticatedDate")),
        };
        members.finish(read)
    }
}

#[derive(Clone, Debug)]
pub struct ListDevicesReply {
    pub devices: Vec<DeviceReply>,
}

impl ListDevicesReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "ListDevices")?;
        let mut devices = Vec::new();
        for device in reply.objects("Devices")? {
            devices.push(DeviceReply::read(device)?);
        }
        Ok(Self { devices })
    }
}

#[derive(Clone, Debug)]
pub struct GetDeviceReply {
    pub device: DeviceReply,
}

impl GetDeviceReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "GetDevice")?;
        Ok(Self {
            device: DeviceReply::read(reply.object_at("Device")?)?,
        })
    }
}

/// A device as the JS API returns it; dates are epoch milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub id: String,
    pub name: Option<String>,
    pub attributes: StringMap,
    pub create_date: Option<i64>,
    pub last_modified_date: Option<i64>,
    pub last_authenticated_date: Option<i64>,
}

impl Device {
    pub fn to_json(&self) -> Value {
        // What Cognito did not say is left out, not null: the TypeScript type's members are optional.
        let mut device = Value::object([("id", (&self.id).into())]);
        device.insert_some("name", self.name.as_ref());
        device.insert("attributes", &self.attributes);
        device.insert_some("createDate", self.create_date);
        device.insert_some("lastModifiedDate", self.last_modified_date);
        device.insert_some("lastAuthenticatedDate", self.last_authenticated_date);
        device
    }
}

impl From<DeviceReply> for Device {
    fn from(reply: DeviceReply) -> Self {
        let mut attributes = StringMap::new();
        for a in reply.device_attributes {
            attributes.insert(a.name, a.value.unwrap_or_default());
        }
        Self {
            id: reply.device_key,
            name: attributes.get("device_name").cloned(),
            attributes,
            create_date: reply.device_create_date,
            last_modified_date: reply.device_last_modified_date,
            last_authenticated_date: reply.device_last_authenticated_date,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_replies_become_plain_objects() {
        let body = crate::json::parse(
            r#"{"Devices": [{
            "DeviceKey": "us-east-1_abc",
            "DeviceAttributes": [{"Name": "device_name", "Value": "Firefox"}, {"Name": "last_ip_used", "Value": "127.0.0.1"}],
            "DeviceCreateDate": 1700000000.5, "DeviceLastAuthenticatedDate": 1700000100}]}"#,
        )
        .unwrap();
        let reply = ListDevicesReply::read(&body).unwrap();
        let device = Device::from(reply.devices[0].clone());
        assert_eq!(device.id, "us-east-1_abc");
        assert_eq!(device.name.as_deref(), Some("Firefox"));
        assert_eq!(device.create_date, Some(1_700_000_000_500));
        assert_eq!(device.last_authenticated_date, Some(1_700_000_100_000));
        assert_eq!(device.last_modified_date, None);
    }
}

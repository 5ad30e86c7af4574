//! Remembered devices in a sign-in: the secrets a tracked device keeps to prove itself with device SRP, and
//! the ConfirmDevice request that registers a device Cognito just started tracking.

use crate::error::Error;
use crate::json::{self, Reader, Value};
use crate::prelude::*;
use crate::protocol::{Members, Operation, Request};
use crate::secret::Password;
use crate::srp::client::DeviceVerifier;

/// What a tracked device keeps to prove itself with device SRP on later sign-ins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSecrets {
    pub device_key: String,
    pub device_group_key: String,
    pub device_password: Password,
}

impl DeviceSecrets {
    /// The secrets as they are stored.
    pub fn to_storage_json(&self) -> String {
        let stored = Value::object([
            ("deviceKey", (&self.device_key).into()),
            ("deviceGroupKey", (&self.device_group_key).into()),
            ("devicePassword", self.device_password.expose().into()),
        ]);
        stored.into_wiped_json()
    }

    /// Reads stored secrets back; anything else is an error (the device is then forgotten).
    pub fn from_storage_json(text: &str) -> Result<Self, Error> {
        let value = json::parse_stored(text, "stored device")?;
        let stored = Reader::stored(&value, "stored device")?;
        let mut members = Members::default();
        let read = Self {
            device_key: members.keep(stored.string("deviceKey")),
            device_group_key: members.keep(stored.string("deviceGroupKey")),
            device_password: Password::new(members.keep(stored.string("devicePassword"))),
        };
        members.finish(read)
    }
}

/// A device Cognito started tracking during this sign-in, and whether the user must be asked to remember it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDevice {
    pub secrets: DeviceSecrets,
    pub user_confirmation_necessary: bool,
}

/// Registers the device Cognito just started tracking: a fresh verifier for it goes to ConfirmDevice, and
/// the device password stays with the returned [`NewDevice`], for device SRP on later sign-ins.
pub(super) fn confirm_device(
    access_token: &str,
    device_key: &str,
    group_key: &str,
    device_name: &str,
) -> Result<(Request, NewDevice), Error> {
    let verifier = DeviceVerifier::generate(group_key, device_key)?;
    let body = Value::object([
        ("AccessToken", access_token.into()),
        ("DeviceKey", device_key.into()),
        (
            "DeviceSecretVerifierConfig",
            Value::object([
                ("Salt", (&verifier.salt_b64).into()),
                ("PasswordVerifier", (&verifier.password_verifier_b64).into()),
            ]),
        ),
        ("DeviceName", device_name.into()),
    ]);
    let request = Request::new(Operation::ConfirmDevice, body);
    let device = NewDevice {
        secrets: DeviceSecrets {
            device_key: device_key.to_owned(),
            device_group_key: group_key.to_owned(),
            device_password: Password::new(verifier.device_password),
        },
        user_confirmation_necessary: false,
    };
    Ok((request, device))
}

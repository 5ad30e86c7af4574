//! Where Cognito sent a code (`CodeDeliveryDetails`): read from an operation's reply or from a sign-in
//! challenge's parameters, and shown to JS as the package's `CodeDeliveryDetails`. Shared by the sign-in
//! flow and the account operations, which both report codes sent.

use crate::error::Error;
use crate::json::{Object, Reader, Value};
use crate::prelude::*;
use crate::protocol::{Members, StringMap};

/// Where a code went. Every member is optional: Cognito leaves out what it does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeDeliveryDetails {
    pub destination: Option<String>,
    pub delivery_medium: Option<String>,
    pub attribute_name: Option<String>,
}

impl CodeDeliveryDetails {
    pub(crate) fn read(details: Reader<'_>) -> Result<Self, Error> {
        let mut members = Members::default();
        let read = Self {
            destination: members.keep(details.opt_string("Destination")),
            delivery_medium: members.keep(details.opt_string("DeliveryMedium")),
            attribute_name: members.keep(details.opt_string("AttributeName")),
        };
        members.finish(read)
    }

    /// The `CodeDeliveryDetails` member of `reply`, if present.
    pub(crate) fn member(reply: Reader<'_>) -> Result<Option<Self>, Error> {
        reply
            .opt_object("CodeDeliveryDetails")?
            .map(Self::read)
            .transpose()
    }

    /// A code challenge's `CODE_DELIVERY_*` parameters.
    pub(crate) fn from_challenge(parameters: &StringMap) -> Self {
        Self {
            destination: parameters.get("CODE_DELIVERY_DESTINATION").cloned(),
            delivery_medium: parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM").cloned(),
            attribute_name: None,
        }
    }
}

/// Absent members are left out rather than `null`, as the TypeScript type's optional members say.
impl From<&CodeDeliveryDetails> for Value {
    fn from(details: &CodeDeliveryDetails) -> Self {
        let mut object = Value::Object(Object::default());
        object.insert_some("destination", details.destination.as_ref());
        object.insert_some("deliveryMedium", details.delivery_medium.as_ref());
        object.insert_some("attributeName", details.attribute_name.as_ref());
        object
    }
}

//! The package's TypeScript types (`pkg-template/index.d.ts`, written by hand) held against what the core
//! really produces. Every sign-in step and account output the core can make is written, as the core
//! serialises it, into a TypeScript file as a constant of its declared type, and `tsc --strict
//! --exactOptionalPropertyTypes` must accept the file: a member the core adds, leaves out, renames or
//! sends as `null` where the type says optional fails it. The file also checks the other direction: every
//! step name the types declare must be one the core makes.
//!
//! The samples are exhaustive by construction: [`variant`] matches every [`NextStep`] variant without a
//! wildcard, so a new variant does not compile until it has a sample here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::flows::account::{
    CodeDeliveryDetails, MfaPreferenceOutput, ResetPasswordOutput, SignUpOutput, SignUpStep,
    UpdateAttributeStep,
};
use crate::flows::devices::Device;
use crate::flows::sign_in::{MfaType, NextStep, TotpSetup};
use crate::json::Value;
use crate::protocol::StringMap;

/// The number of [`NextStep`] variants; [`variant`] numbers them.
const NEXT_STEP_VARIANTS: usize = 15;

fn variant(step: &NextStep) -> usize {
    match step {
        NextStep::Done => 0,
        NextStep::ConfirmSignUp => 1,
        NextStep::ResetPassword => 2,
        NextStep::ConfirmWithSmsCode { .. } => 3,
        NextStep::ConfirmWithEmailCode { .. } => 4,
        NextStep::ConfirmWithTotpCode => 5,
        NextStep::SelectMfaType { .. } => 6,
        NextStep::SelectMfaSetup { .. } => 7,
        NextStep::SetUpTotp { .. } => 8,
        NextStep::SetUpEmail => 9,
        NextStep::NewPasswordRequired { .. } => 10,
        NextStep::CustomChallenge { .. } => 11,
        NextStep::SelectFirstFactor { .. } => 12,
        NextStep::ConfirmWithPassword => 13,
        NextStep::Unhandled { .. } => 14,
    }
}

fn full_delivery() -> CodeDeliveryDetails {
    CodeDeliveryDetails {
        destination: Some("+*******1234".into()),
        delivery_medium: Some("SMS".into()),
        attribute_name: Some("phone_number".into()),
    }
}

fn next_steps() -> Vec<NextStep> {
    let parameters = StringMap::from([("question".to_owned(), "2 + 2?".to_owned())]);
    vec![
        NextStep::Done,
        NextStep::ConfirmSignUp,
        NextStep::ResetPassword,
        NextStep::ConfirmWithSmsCode {
            code_delivery_details: full_delivery(),
        },
        NextStep::ConfirmWithSmsCode {
            code_delivery_details: CodeDeliveryDetails::default(),
        },
        NextStep::ConfirmWithEmailCode {
            code_delivery_details: full_delivery(),
        },
        NextStep::ConfirmWithTotpCode,
        NextStep::SelectMfaType {
            allowed_mfa_types: vec![MfaType::Sms, MfaType::Totp, MfaType::Email],
        },
        NextStep::SelectMfaSetup {
            allowed_mfa_types: vec![MfaType::Totp],
        },
        NextStep::SetUpTotp {
            totp_setup_details: TotpSetup::new("JBSWY3DPEHPK3PXP".into(), "App", "alice"),
        },
        NextStep::SetUpEmail,
        NextStep::NewPasswordRequired {
            missing_attributes: vec!["name".into()],
        },
        NextStep::CustomChallenge {
            additional_info: parameters.clone(),
        },
        NextStep::SelectFirstFactor {
            available_challenges: vec!["PASSWORD_SRP".into(), "EMAIL_OTP".into()],
        },
        NextStep::ConfirmWithPassword,
        NextStep::Unhandled {
            challenge_name: "SOMETHING_NEW".into(),
            challenge_parameters: parameters,
        },
    ]
}

/// `(declared type, sample)` for every output the account operations resolve with.
fn account_outputs() -> Vec<(&'static str, Value)> {
    let sign_up = |user_id: Option<&str>, next_step| SignUpOutput {
        user_id: user_id.map(str::to_owned),
        next_step,
    };
    let device = Device {
        id: "eu-west-1_abc".into(),
        name: Some("Firefox".into()),
        attributes: StringMap::from([("device_name".to_owned(), "Firefox".to_owned())]),
        create_date: Some(1_700_000_000_000),
        last_modified_date: None,
        last_authenticated_date: Some(1_700_000_000_000),
    };
    let unnamed_device = Device {
        name: None,
        create_date: None,
        last_authenticated_date: None,
        ..device.clone()
    };
    let attribute_steps = |step: UpdateAttributeStep| {
        let mut output = Value::object([]);
        output.insert("email", &step);
        output
    };
    vec![
        ("SignUpOutput", (&SignUpOutput::complete()).into()),
        (
            "SignUpOutput",
            (&sign_up(Some("sub-1"), SignUpStep::Done)).into(),
        ),
        (
            "SignUpOutput",
            (&sign_up(
                Some("sub-1"),
                SignUpStep::ConfirmSignUp {
                    code_delivery_details: Some(full_delivery()),
                },
            ))
                .into(),
        ),
        (
            "SignUpOutput",
            (&sign_up(
                None,
                SignUpStep::ConfirmSignUp {
                    code_delivery_details: None,
                },
            ))
                .into(),
        ),
        (
            "ResetPasswordOutput",
            (&ResetPasswordOutput {
                code_delivery_details: Some(full_delivery()),
            })
                .into(),
        ),
        (
            "ResetPasswordOutput",
            (&ResetPasswordOutput {
                code_delivery_details: None,
            })
                .into(),
        ),
        (
            "UpdateUserAttributesOutput",
            attribute_steps(UpdateAttributeStep::Done),
        ),
        (
            "UpdateUserAttributesOutput",
            attribute_steps(UpdateAttributeStep::ConfirmAttributeWithCode {
                code_delivery_details: full_delivery(),
            }),
        ),
        ("CodeDeliveryDetails", (&full_delivery()).into()),
        (
            "CodeDeliveryDetails",
            (&CodeDeliveryDetails::default()).into(),
        ),
        (
            "MfaPreferenceOutput",
            MfaPreferenceOutput {
                enabled: Some(vec![MfaType::Sms, MfaType::Totp]),
                preferred: Some(MfaType::Totp),
            }
            .to_json(),
        ),
        (
            "MfaPreferenceOutput",
            MfaPreferenceOutput {
                enabled: None,
                preferred: None,
            }
            .to_json(),
        ),
        (
            "TotpSetupDetails",
            TotpSetup::new("JBSWY3DPEHPK3PXP".into(), "App", "alice").to_json(),
        ),
        ("Device", device.to_json()),
        ("Device", unnamed_device.to_json()),
    ]
}

/// The TypeScript file: the samples as typed constants, and the declared step names checked against the
/// ones made here (`Exclude<declared, made>` must be `never`).
fn typescript(index_d_ts: &Path) -> String {
    let steps = next_steps();
    let mut made: Vec<usize> = steps.iter().map(variant).collect();
    made.sort_unstable();
    made.dedup();
    assert_eq!(
        made,
        (0..NEXT_STEP_VARIANTS).collect::<Vec<_>>(),
        "every NextStep variant needs a sample"
    );
    let account = account_outputs();
    let import = index_d_ts.with_extension("").with_extension("js");
    let mut ts = String::new();
    let types = "SignInStep, SignUpOutput, ResetPasswordOutput, UpdateUserAttributesOutput, \
                 CodeDeliveryDetails, MfaPreferenceOutput, TotpSetupDetails, Device";
    writeln!(ts, "import type {{ {types} }} from '{}';", import.display()).unwrap();
    writeln!(ts, "type Never<T extends never> = T;").unwrap();
    for (i, step) in steps.iter().enumerate() {
        writeln!(ts, "export const step{i}: SignInStep = {};", step.to_json()).unwrap();
    }
    for (i, (declared, sample)) in account.iter().enumerate() {
        writeln!(ts, "export const output{i}: {declared} = {sample};").unwrap();
    }
    let names = |values: Vec<Value>, member: &str| -> String {
        let mut names: Vec<String> = values
            .iter()
            .filter_map(|v| v.get(member).map(Value::to_string))
            .collect();
        names.sort();
        names.dedup();
        names.join(" | ")
    };
    let step_names = names(steps.iter().map(NextStep::to_json).collect(), "signInStep");
    let next = |declared: &str| -> Vec<Value> {
        account
            .iter()
            .filter(|(d, _)| *d == declared)
            .filter_map(|(_, v)| v.get("nextStep").cloned())
            .collect()
    };
    let attribute_steps: Vec<Value> = account
        .iter()
        .filter(|(d, _)| *d == "UpdateUserAttributesOutput")
        .filter_map(|(_, v)| v.get("email")?.get("nextStep").cloned())
        .collect();
    let checks = [
        ("SignInStep['signInStep']", step_names),
        (
            "SignUpOutput['nextStep']['signUpStep']",
            names(next("SignUpOutput"), "signUpStep"),
        ),
        (
            "ResetPasswordOutput['nextStep']['resetPasswordStep']",
            names(next("ResetPasswordOutput"), "resetPasswordStep"),
        ),
        (
            "UpdateUserAttributesOutput[string]['nextStep']['updateAttributeStep']",
            names(attribute_steps, "updateAttributeStep"),
        ),
    ];
    for (i, (declared, made)) in checks.iter().enumerate() {
        writeln!(
            ts,
            "export type DeclaredButNotMade{i} = Never<Exclude<{declared}, {made}>>;"
        )
        .unwrap();
    }
    ts
}

fn tsc(root: &Path) -> PathBuf {
    let tsc = root.join("node_modules/.bin/tsc");
    assert!(
        tsc.exists(),
        "{} is missing: run `make setup` (npm ci) first",
        tsc.display()
    );
    tsc
}

/// Type-checks `source` (written to `name` in target/ts-types/) in strict mode.
fn type_check(root: &Path, name: &str, source: &str) -> Result<(), String> {
    let dir = root.join("target/ts-types");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, source).unwrap();
    let output = Command::new(tsc(root))
        .args([
            "--noEmit",
            "--strict",
            "--exactOptionalPropertyTypes",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            "--skipLibCheck",
        ])
        .arg(&file)
        .output()
        .unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn typescript_types_accept_every_output_of_the_core() {
    let root = root();
    let source = typescript(&root.join("pkg-template/index.d.ts"));
    if let Err(errors) = type_check(&root, "core-outputs.ts", &source) {
        panic!("index.d.ts and the core disagree:\n{errors}\n--- the file:\n{source}");
    }
}

/// The check can fail: a copy of index.d.ts missing one step name, or with a member renamed, is refused.
#[test]
fn typescript_check_refuses_types_that_disagree() {
    let root = root();
    let declared = std::fs::read_to_string(root.join("pkg-template/index.d.ts")).unwrap();
    let errors_d_ts = std::fs::read_to_string(root.join("pkg-template/errors.d.ts")).unwrap();
    let breaks = [
        ("  | { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' }\n", ""),
        ("  sharedSecret: string;", "  secret: string;"),
        (
            "  | { signInStep: 'CONFIRM_SIGN_UP' }\n",
            "  | { signInStep: 'CONFIRM_SIGN_UP' }\n  | { signInStep: 'NOT_MADE_BY_THE_CORE' }\n",
        ),
    ];
    for (i, (from, to)) in breaks.iter().enumerate() {
        assert!(declared.contains(from), "index.d.ts no longer has {from:?}");
        let dir = root.join(format!("target/ts-types/broken{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.d.ts"), declared.replace(from, to)).unwrap();
        std::fs::write(dir.join("errors.d.ts"), &errors_d_ts).unwrap();
        let source = typescript(&dir.join("index.d.ts"));
        assert!(
            type_check(&root, &format!("broken{i}.ts"), &source).is_err(),
            "a broken index.d.ts ({from:?} → {to:?}) was accepted"
        );
    }
}

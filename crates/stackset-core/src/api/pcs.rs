//! A minimal typed `PlatformCredentialsSet` (`zalando.org/v1`,
//! `platformcredentialssets`): the Zalando-internal object upstream generates
//! for a `configurationResources[].platformCredentialsSet` entry when it runs
//! with `--enable-pcs-support`. Zalando's credentials provider owns the CRD;
//! kubectl-stackset does not install it, so the schema is not used.

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Extra;
use super::spec::PcsToken;

/// `PlatformCredentialsSet.spec`. The derive generates the
/// [`PlatformCredentialsSet`] root type.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "zalando.org",
    version = "v1",
    kind = "PlatformCredentialsSet",
    plural = "platformcredentialssets",
    singular = "platformcredentialsset",
    namespaced,
    status = "PlatformCredentialsStatus",
    derive = "PartialEq",
    derive = "Default"
)]
pub struct PlatformCredentialsSpec {
    /// The application the credentials are for (the Stack's `application`
    /// label).
    #[serde(default)]
    pub application: String,
    /// OAuth clients by name (upstream never sets them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<BTreeMap<String, PcsClient>>,
    /// Tokens by name.
    #[serde(default)]
    pub tokens: BTreeMap<String, PcsToken>,
    /// Token format version (upstream writes `v2`).
    #[serde(default, rename = "token_version")]
    pub token_version: String,
    /// Unknown keys, kept when read.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// One OAuth client of a PlatformCredentialsSet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PcsClient {
    /// Realm.
    #[serde(default)]
    pub realm: String,
    /// Grant type.
    #[serde(default)]
    pub grant: String,
    /// Redirect URI.
    #[serde(default)]
    pub redirect_uri: String,
}

/// `PlatformCredentialsSet.status`, written by the credentials provider and
/// kept verbatim.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct PlatformCredentialsStatus {
    /// Everything in the status.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

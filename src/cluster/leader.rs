//! Leader election with a `coordination.k8s.io/v1` Lease, the way client-go
//! does it: the holder renews `renewTime` with an update guarded by the
//! resourceVersion it read; a standby takes the Lease over (same guard) once
//! `renewTime + leaseDurationSeconds` has passed or the holder released it.
//! The resourceVersion guard makes sure that at most one replica wins a
//! take-over; a leader that cannot renew within the renew deadline stops.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Client;
use kube::api::{Api, PostParams};

use super::retry::with_retries;

const POST: PostParams = PostParams {
    dry_run: false,
    field_manager: None,
};
use crate::error::Failure;

/// Where the Lease lives and how long it lasts.
#[derive(Debug, Clone)]
pub struct LeaseConfig {
    pub namespace: String,
    pub name: String,
    /// This replica's identity (the Pod name, plus the process id).
    pub identity: String,
    /// `leaseDurationSeconds`: how long a standby waits after the last renewal.
    pub duration: Duration,
}

impl LeaseConfig {
    /// The leader renews three times per lease duration.
    fn renew_period(&self) -> Duration {
        self.duration / 3
    }
    /// A leader that could not renew for this long stops (client-go's
    /// renewDeadline), well before a standby may take over.
    fn renew_deadline(&self) -> Duration {
        self.duration * 2 / 3
    }
    /// A standby looks at the Lease this often.
    fn retry_period(&self) -> Duration {
        (self.duration / 5).max(Duration::from_millis(500))
    }
}

pub struct Elector {
    api: Api<Lease>,
    cfg: LeaseConfig,
    now: fn() -> Timestamp,
    /// The Lease as we last wrote it (the leader renews without reading).
    held: tokio::sync::Mutex<Option<Lease>>,
    /// When another holder's Lease runs out, as last read: a standby tries
    /// again at that moment instead of up to a retry period later.
    expires: std::sync::Mutex<Option<Timestamp>>,
}

impl Elector {
    pub fn new(client: Client, cfg: LeaseConfig, now: fn() -> Timestamp) -> Self {
        Self {
            api: Api::namespaced(client, &cfg.namespace),
            cfg,
            now,
            held: tokio::sync::Mutex::new(None),
            expires: std::sync::Mutex::new(None),
        }
    }

    fn seconds(&self) -> i32 {
        i32::try_from(self.cfg.duration.as_secs().max(1)).unwrap_or(i32::MAX)
    }

    /// One attempt to acquire or renew. `Ok(true)`: we hold the Lease now.
    async fn try_acquire_or_renew(&self) -> Result<bool, kube::Error> {
        let now = (self.now)();
        let mut held = self.held.lock().await;
        // Renewal: update what we wrote last, no read needed.
        if let Some(mut lease) = held.take() {
            if let Some(spec) = lease.spec.as_mut() {
                spec.renew_time = Some(MicroTime(now));
            }
            match with_retries(|| self.api.replace(&self.cfg.name, &POST, &lease)).await {
                Ok(l) => {
                    *held = Some(l);
                    return Ok(true);
                }
                Err(kube::Error::Api(s)) if s.code == 409 => {} // read and decide below
                Err(e) => return Err(e),
            }
        }
        let Some(current) = with_retries(|| self.api.get_opt(&self.cfg.name)).await? else {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(self.cfg.name.clone()),
                    namespace: Some(self.cfg.namespace.clone()),
                    ..Default::default()
                },
                spec: Some(LeaseSpec {
                    holder_identity: Some(self.cfg.identity.clone()),
                    lease_duration_seconds: Some(self.seconds()),
                    acquire_time: Some(MicroTime(now)),
                    renew_time: Some(MicroTime(now)),
                    lease_transitions: Some(0),
                    ..Default::default()
                }),
            };
            return match with_retries(|| self.api.create(&POST, &lease)).await {
                Ok(l) => {
                    *held = Some(l);
                    Ok(true)
                }
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(e),
            };
        };
        let spec = current.spec.clone().unwrap_or_default();
        let holder = spec.holder_identity.clone().unwrap_or_default();
        let mine = holder == self.cfg.identity;
        if !mine && !holder.is_empty() {
            let dur = i64::from(spec.lease_duration_seconds.unwrap_or(self.seconds()));
            let expires = spec
                .renew_time
                .as_ref()
                .map(|t| t.0 + SignedDuration::from_secs(dur));
            if let Some(e) = expires.filter(|e| *e > now) {
                if let Ok(mut x) = self.expires.lock() {
                    *x = Some(e);
                }
                return Ok(false);
            }
        }
        let mut lease = current;
        let transitions = spec.lease_transitions.unwrap_or(0);
        lease.spec = Some(LeaseSpec {
            holder_identity: Some(self.cfg.identity.clone()),
            lease_duration_seconds: Some(self.seconds()),
            acquire_time: if mine {
                spec.acquire_time.clone()
            } else {
                Some(MicroTime(now))
            },
            renew_time: Some(MicroTime(now)),
            lease_transitions: Some(if mine { transitions } else { transitions + 1 }),
            ..spec
        });
        match with_retries(|| self.api.replace(&self.cfg.name, &POST, &lease)).await {
            Ok(l) => {
                *held = Some(l);
                Ok(true)
            }
            Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Waits until this replica holds the Lease. `standby` is called after
    /// every attempt that reached the API server.
    pub async fn acquire(&self, standby: impl Fn()) {
        loop {
            match self.try_acquire_or_renew().await {
                Ok(true) => {
                    tracing::info!(lease = %self.cfg.name, identity = %self.cfg.identity, "became the leader");
                    eprintln!(
                        "leader election: {} holds lease {}/{}",
                        self.cfg.identity, self.cfg.namespace, self.cfg.name
                    );
                    return;
                }
                Ok(false) => standby(),
                Err(e) => eprintln!("leader election: {e}"),
            }
            tokio::time::sleep(self.next_try()).await;
        }
    }

    /// How long a standby waits before its next attempt: the retry period,
    /// or until just after the holder's Lease runs out if that is sooner.
    fn next_try(&self) -> Duration {
        let retry = self.cfg.retry_period();
        let Some(expires) = self.expires.lock().ok().and_then(|mut x| x.take()) else {
            return retry;
        };
        let left = expires.duration_since((self.now)()).as_secs_f64();
        let until = Duration::from_secs_f64(left.max(0.0)) + Duration::from_millis(10);
        retry.min(until)
    }

    /// Renews the Lease until that fails for longer than the renew deadline;
    /// then returns why (the caller must stop reconciling).
    pub async fn hold(&self) -> Failure {
        let mut last = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(self.cfg.renew_period()).await;
            // A renewal that gets no answer must not outlive the deadline:
            // by then a standby may hold the Lease, and we would still lead.
            let left = self
                .cfg
                .renew_deadline()
                .saturating_sub(last.elapsed())
                .max(Duration::from_millis(100));
            let Ok(renewed) = tokio::time::timeout(left, self.try_acquire_or_renew()).await else {
                eprintln!(
                    "leader election: renewing: no answer from the API server within {left:?}"
                );
                if last.elapsed() > self.cfg.renew_deadline() {
                    return self.renew_failed();
                }
                continue;
            };
            match renewed {
                Ok(true) => last = tokio::time::Instant::now(),
                Ok(false) => {
                    return Failure::error(format!(
                        "lost the leader lease {}/{} to another replica",
                        self.cfg.namespace, self.cfg.name
                    ));
                }
                Err(e) => eprintln!("leader election: renewing: {e}"),
            }
            if last.elapsed() > self.cfg.renew_deadline() {
                return self.renew_failed();
            }
        }
    }

    fn renew_failed(&self) -> Failure {
        Failure::error(format!(
            "could not renew the leader lease {}/{} for {:?}; stopping",
            self.cfg.namespace,
            self.cfg.name,
            self.cfg.renew_deadline()
        ))
    }

    /// Gives the Lease up (on shutdown), so a standby takes over at once.
    pub async fn release(&self) {
        let held = self.held.lock().await.take();
        let Some(mut lease) = held else { return };
        if let Some(spec) = lease.spec.as_mut() {
            spec.holder_identity = None;
            spec.lease_duration_seconds = Some(1);
            spec.renew_time = Some(MicroTime((self.now)()));
        }
        match self
            .api
            .replace(&self.cfg.name, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => eprintln!("leader election: released lease {}", self.cfg.name),
            Err(e) => eprintln!("leader election: releasing: {e}"),
        }
    }
}

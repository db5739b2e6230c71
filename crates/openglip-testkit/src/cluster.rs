//! Several nodes of one installation on loopback: one fresh PostgreSQL database, the NATS server
//! `OPENGLIP_NATS` names (default `nats://127.0.0.1:4222`) under a prefix of their own, so that
//! tests running at once never see each other's events.

use std::sync::Arc;
use std::time::Duration;

use openglip_server::ServerConfig;
use openglip_server::cluster::jetstream::JetStream;
use openglip_server::cluster::nats::Nats;
use openglip_server::cluster::{ClusterConfig, stream_names};
use openglip_store_postgres::scratch::ScratchDatabase;

use crate::server::{TestApp, spawn_on};

/// The variable naming the tests' NATS server.
pub const NATS_VAR: &str = "OPENGLIP_NATS";

/// The tests' NATS server.
pub fn nats_url() -> String {
    std::env::var(NATS_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "nats://127.0.0.1:4222".to_string())
}

/// The nodes of a test cluster.
pub struct TestCluster {
    pub nodes: Vec<TestApp>,
    /// The NATS prefix of this cluster (unique per test).
    pub prefix: String,
    pub nats_url: String,
    config: ServerConfig,
    database: Arc<ScratchDatabase>,
}

/// A prefix no other test run uses.
fn unique_prefix() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("t{:x}{:x}", t, std::process::id())
}

/// Starts `n` nodes with `config` on one fresh PostgreSQL database and the tests' NATS.
pub async fn spawn_cluster(n: usize, config: ServerConfig) -> TestCluster {
    spawn_cluster_on(n, config, &nats_url()).await
}

/// Starts `n` nodes with `config` on one fresh PostgreSQL database and the NATS at `nats_url`.
pub async fn spawn_cluster_on(n: usize, config: ServerConfig, nats_url: &str) -> TestCluster {
    let database = Arc::new(
        ScratchDatabase::create()
            .await
            .expect("a scratch PostgreSQL database (OPENGLIP_POSTGRES)"),
    );
    let mut c = TestCluster {
        nodes: Vec::new(),
        prefix: unique_prefix(),
        nats_url: nats_url.to_string(),
        config,
        database,
    };
    for _ in 0..n {
        let node = c.spawn_node().await;
        c.nodes.push(node);
    }
    c
}

impl TestCluster {
    /// Starts one more node of this cluster (not added to `nodes`), and waits until it joined.
    pub async fn spawn_node(&self) -> TestApp {
        let mut config = self.config.clone();
        config.realtime.cluster =
            Some(ClusterConfig::new(&self.nats_url, &self.prefix).expect("a cluster config"));
        let app = spawn_on(config, Some(self.database.clone())).await;
        for _ in 0..200 {
            if app.state().hub().cluster().is_some() {
                return app;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the node did not join NATS at {}", self.nats_url);
    }

    /// Runs SQL on the cluster's database.
    pub async fn execute_sql(&self, sql: &str) {
        self.database
            .execute(sql)
            .await
            .expect("SQL on the database");
    }

    /// Stops every node and deletes the cluster's streams from NATS.
    pub async fn finish(mut self) {
        for n in &mut self.nodes {
            n.stop();
        }
        if let Ok(nats) = Nats::connect(&self.nats_url).await {
            let js = JetStream { nats };
            for s in stream_names(&self.prefix) {
                let _ = js.delete_stream(&s).await;
            }
        }
    }
}

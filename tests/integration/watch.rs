//! `--watch` on the read commands: a line per change off a terminal and exit
//! 130 on Ctrl-C, a JSON line per change, and redrawing in place on a
//! terminal.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::jiff::Timestamp;
use serde_json::json;

use crate::common::bin;
use crate::fixtures::shop::{
    healthy_shop, interrupt, json_of, lines_of, patch, reconcile, wait_with_deadline,
};
use crate::need_cluster;
use crate::support::{TestCluster, stackset_cmd};

#[tokio::test(flavor = "multi_thread")]
async fn watch_off_a_terminal_appends_a_line_per_change_and_ctrl_c_exits_130() {
    let cluster =
        need_cluster!("watch_off_a_terminal_appends_a_line_per_change_and_ctrl_c_exits_130");
    let (ns, client) = healthy_shop(cluster, "watch-lines").await;
    // The watch logs each refresh at debug level: the test sees refreshes
    // happen instead of waiting a fixed time for nothing to be printed.
    let mut child = stackset_cmd(cluster, &ns.name)
        .args(["get", "shop", "-w", "--interval", "500ms"])
        .env("RUST_LOG", "kubectl_stackset::commands::observe=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn get -w");
    let rx = lines_of(child.stdout.take().unwrap());
    let logs = lines_of(child.stderr.take().unwrap());
    let first = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("a first line");
    let (ts, rest) = first.split_once(' ').unwrap();
    assert!(ts.parse::<Timestamp>().is_ok(), "timestamped: {first}");
    assert!(rest.starts_with("shop Healthy - "), "{first}");
    // Several refreshes without a change...
    let mut refreshes = 0;
    while refreshes < 4 {
        let line = logs
            .recv_timeout(Duration::from_secs(30))
            .expect("a refresh");
        assert!(
            line.contains("watch refreshed"),
            "nothing but refreshes: {line}"
        );
        refreshes += 1;
    }
    // A change appears as one more line, without waiting for the interval.
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    // ...printed nothing: the next line is the change's (a repeat of the
    // unchanged view, written before those refreshes were logged, would
    // come first).
    let second = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a line for the change");
    assert!(
        second.contains("shop Progressing - no stack for version v2 yet"),
        "{second}"
    );
    interrupt(&child);
    let code = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert_eq!(code, 130, "Ctrl-C exits 130");
    // stderr holds the refresh logs and nothing else.
    for line in std::iter::from_fn(|| logs.recv_timeout(Duration::from_secs(10)).ok()) {
        assert!(line.contains("watch refreshed"), "nothing but data: {line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_json_prints_a_json_line_per_change() {
    let cluster = need_cluster!("watch_json_prints_a_json_line_per_change");
    let (ns, client) = healthy_shop(cluster, "watch-json").await;
    let mut child = stackset_cmd(cluster, &ns.name)
        .args(["traffic", "shop", "-w", "-o", "json", "--interval", "500ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn traffic -w");
    let lines = lines_of(child.stdout.take().unwrap());
    let next = || {
        lines
            .recv_timeout(Duration::from_secs(60))
            .expect("a JSON line")
    };
    let first = json_of(&next());
    assert_eq!(first["switched"], true);
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    reconcile(&client, &ns.name, "shop").await;
    let second = json_of(&next());
    assert_eq!(second["kind"], "TrafficView");
    assert_eq!(second["stacks"].as_array().unwrap().len(), 2, "{second}");
    interrupt(&child);
    assert_eq!(wait_with_deadline(&mut child, Duration::from_secs(10)), 130);
}

/// A command running under `script`, i.e. with a pseudo-terminal as
/// stdout. Its output is read by a thread, so every wait has a deadline and
/// waits for what it needs to see, never for a fixed time.
struct OnATerminal {
    child: Child,
    chunks: std::sync::mpsc::Receiver<Vec<u8>>,
    seen: String,
    pidfile: PathBuf,
}

/// How long a terminal test waits for something it must see.
const TERMINAL_DEADLINE: Duration = Duration::from_secs(60);

impl OnATerminal {
    fn start(cluster: &TestCluster, ns: &str, args: &str, env: &[(&str, &str)]) -> Self {
        let ctx = cluster
            .admin_context()
            .unwrap_or_else(|| "stackset-local".into());
        let dir = crate::support::repo_root().join("target/tmp");
        std::fs::create_dir_all(&dir).unwrap();
        let pidfile = dir.join(format!("tty-{ns}-{}.pid", args.len()));
        let _ = std::fs::remove_file(&pidfile);
        // `timeout` passes a SIGINT on to the plugin and exits with its code;
        // its pid is written first, so the test can interrupt it when it has
        // seen what it waits for. The limit only bounds a hung test.
        let inner = format!(
            "echo $$ > {pid}; exec timeout --preserve-status -s INT 300 {} --kubeconfig {} --context {ctx} -n {ns} {args}",
            bin(),
            cluster.kubeconfig.display(),
            pid = pidfile.display()
        );
        let mut cmd = Command::new("script");
        cmd.args(["-qefc", &inner, "/dev/null"])
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("run script (util-linux)");
        let mut stdout = child.stdout.take().unwrap();
        let (tx, chunks) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            chunks,
            seen: String::new(),
            pidfile,
        }
    }

    /// Reads until `done` holds for everything shown so far.
    fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + TERMINAL_DEADLINE;
        while !done(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(c) => self.seen.push_str(&String::from_utf8_lossy(&c)),
                Err(_) => panic!(
                    "{what}: not seen within {TERMINAL_DEADLINE:?}: {:?}",
                    self.seen
                ),
            }
        }
    }

    /// Sends SIGINT (Ctrl-C) and returns the exit code and all it showed.
    fn interrupt(mut self) -> (i32, String) {
        let pid = eventually_blocking("the pid file", || {
            std::fs::read_to_string(&self.pidfile)
                .ok()
                .filter(|p| !p.trim().is_empty())
        });
        let status = Command::new("kill")
            .args(["-INT", pid.trim()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -INT {pid} failed");
        let code = wait_with_deadline(&mut self.child, TERMINAL_DEADLINE);
        // The pipe closes when `script` exits: read what is left.
        while let Ok(c) = self.chunks.recv_timeout(TERMINAL_DEADLINE) {
            self.seen.push_str(&String::from_utf8_lossy(&c));
        }
        let _ = std::fs::remove_file(&self.pidfile);
        (code, self.seen)
    }
}

/// Polls `f` (every 50 ms, at most TERMINAL_DEADLINE) until it returns a value.
fn eventually_blocking<T>(what: &str, f: impl Fn() -> Option<T>) -> T {
    let deadline = Instant::now() + TERMINAL_DEADLINE;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {TERMINAL_DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_on_a_terminal_redraws_in_place_without_clearing_the_scrollback() {
    let cluster =
        need_cluster!("watch_on_a_terminal_redraws_in_place_without_clearing_the_scrollback");
    let (ns, client) = healthy_shop(cluster, "watch-tty").await;
    let mut tty = OnATerminal::start(cluster, &ns.name, "get shop -w --interval 500ms", &[]);
    // The first frame, however long the machine takes to draw it...
    tty.wait_for("the first frame", |s| s.contains("Healthy"));
    // ...then a change, and its redraw.
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    tty.wait_for("the redraw after the change", |s| {
        s.find("\x1b[J")
            .is_some_and(|at| s[at..].contains("no stack for version v2 yet"))
    });
    let (code, out) = tty.interrupt();
    assert_eq!(code, 130, "{out}");
    // The first frame, then a redraw that goes back up over it and erases
    // below: cursor up (ESC [ n A) + erase to end of screen (ESC [ J).
    let redraw = out
        .find("\x1b[J")
        .unwrap_or_else(|| panic!("no in-place redraw: {out:?}"));
    let before = &out[..redraw];
    assert!(before.contains("Healthy"), "{before:?}");
    assert!(
        out[redraw..].contains("no stack for version v2 yet"),
        "{out:?}"
    );
    let up = before.rfind("\x1b[").unwrap();
    assert!(
        before[up..].ends_with('A'),
        "cursor up before the erase: {:?}",
        &before[up..]
    );
    // Never a clear-screen, a scrollback wipe or a jump to the top.
    for code in ["\x1b[2J", "\x1b[3J", "\x1b[H", "\x1bc"] {
        assert!(!out.contains(code), "{code:?} in {out:?}");
    }
    // Colour on a terminal by default...
    assert!(out.contains("\x1b[1mshop\x1b[0m"), "{out:?}");
    // ...and none with NO_COLOR (the cursor movements stay).
    let mut tty = OnATerminal::start(cluster, &ns.name, "get shop -w", &[("NO_COLOR", "1")]);
    tty.wait_for("the first frame", |s| s.contains("Name:       shop"));
    let (code, out) = tty.interrupt();
    assert_eq!(code, 130, "{out:?}");
    assert!(
        !out.contains("\x1b[1m") && !out.contains("\x1b[3"),
        "{out:?}"
    );
    assert!(out.contains("Name:       shop"), "{out:?}");
}

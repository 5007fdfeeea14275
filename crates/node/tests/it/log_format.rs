//! `--log-format json`: the binary's log lines are JSON objects (one per line) with a level and a
//! message, for log collectors.

use std::io::Read as _;
use std::process::{Command, Stdio};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_format_json_writes_one_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrum"))
        .args([
            "devnet",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--no-l1",
            "--log-format",
            "json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_ready(&format!("http://127.0.0.1:{port}")).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let lines: Vec<&str> = logs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "no log lines");
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
        assert!(v["message"].is_string(), "{line}");
    }
    // A value the flag does not know is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_ferrum"))
        .args(["config", "--log-format", "xml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

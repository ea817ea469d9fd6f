//! Running the built `assistid` binary against a temporary data folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary data folder with its own key file.
pub struct DataDir {
    pub dir: tempfile::TempDir,
}

impl DataDir {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder can be created"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn key_file(&self) -> PathBuf {
        self.dir.path().join("test.key")
    }

    /// Runs `assistid --data-dir DIR ARGS…` with the key file.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_key(&self.key_file(), args)
    }

    pub fn run_with_key(&self, key: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_assistid"))
            .arg("--data-dir")
            .arg(self.path())
            .args(args)
            .env("ASSISTID_KEY_FILE", key)
            .env_remove("ASSISTID_LOG")
            .env_remove("ASSISTID_LANG")
            .output()
            .expect("the assistid binary runs")
    }

    /// Runs and expects exit code 0, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "`assistid {}` should succeed; stderr: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("output is UTF-8")
    }

    /// Runs with the environment variables `vars` set and expects exit code 0, returning
    /// stdout.
    pub fn ok_with_env(&self, vars: &[(&str, &str)], args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_assistid"))
            .arg("--data-dir")
            .arg(self.path())
            .args(args)
            .env("ASSISTID_KEY_FILE", self.key_file())
            .env_remove("ASSISTID_LOG")
            .env_remove("ASSISTID_LANG")
            .envs(vars.iter().copied())
            .output()
            .expect("the assistid binary runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "`assistid {}` with {vars:?} should succeed; stderr: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("output is UTF-8")
    }

    /// Runs with `--json` and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "`assistid {}` should print JSON ({e}); stdout: {} stderr: {}",
                all.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }
}

/// The folder with FK's schemas, beside the repository.
pub fn fk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fk")
}

/// `xmllint` with arguments; returns (success, stdout, stderr).
pub fn xmllint(args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = Command::new("xmllint")
        .args(args)
        .output()
        .expect("xmllint is installed (libxml2-utils)");
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

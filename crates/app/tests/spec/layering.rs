//! The workspace's layering, read from `cargo metadata` (every `Cargo.toml` as it is) and held
//! against two things: the rules that must never break (below, in code), and the table in
//! docs/ARCHITECTURE.md ("Layering"), which must list exactly the dependencies the crates have,
//! so the document describes the code as it is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A workspace crate's dependencies on other workspace crates, by short name (`assistid-`
/// taken off): what it uses to build and run, and what its tests and benchmarks use besides.
#[derive(Debug, Default, PartialEq, Eq)]
struct Edges {
    normal: BTreeSet<String>,
    dev: BTreeSet<String>,
}

type Graph = BTreeMap<String, Edges>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn short(name: &str) -> String {
    name.strip_prefix("assistid-").unwrap_or(name).to_owned()
}

/// The workspace's crates and their dependencies on each other, from `cargo metadata`.
fn workspace() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"]
        .as_array()
        .expect("cargo metadata lists the packages");
    let members: BTreeSet<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut graph = Graph::new();
    for package in packages {
        let name = package["name"].as_str().expect("a package has a name");
        // A crate's test kit behind its `testing` feature (e.g. `assistid_relay::testing`):
        // its optional dependencies serve tests and benchmarks only, so they count as such.
        let testing: BTreeSet<String> = package["features"]["testing"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .map(|f| f.strip_prefix("dep:").unwrap_or(f).to_owned())
            .collect();
        let edges = graph.entry(short(name)).or_default();
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            let Some(dep_name) = dep["name"].as_str().filter(|n| members.contains(n)) else {
                continue;
            };
            let dev = dep["kind"].as_str() == Some("dev");
            let enables_testing = dep["features"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f.as_str() == Some("testing"));
            assert!(
                dev || !enables_testing,
                "{name} turns on {dep_name}'s test kit (feature `testing`) outside its tests: \
                 a test kit must never reach a program or a library a user runs"
            );
            if dep_name == name {
                // A crate's own test kit for its own tests and benchmarks.
                continue;
            }
            let test_kit_only =
                dep["optional"].as_bool() == Some(true) && testing.contains(dep_name);
            if dev || test_kit_only {
                edges.dev.insert(short(dep_name));
            } else {
                edges.normal.insert(short(dep_name));
            }
        }
    }
    for edges in graph.values_mut() {
        let normal = edges.normal.clone();
        edges.dev.retain(|d| !normal.contains(d));
    }
    graph
}

/// The table under "## Layering" in docs/ARCHITECTURE.md: `| crate | depends on | in its tests
/// and benchmarks also on |`, names without `assistid-`, `—` for none.
fn documented() -> Graph {
    let path = root().join("docs/ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path).expect("docs/ARCHITECTURE.md is readable");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Layering"))
        .expect("docs/ARCHITECTURE.md has a section \"## Layering\"");
    let list = |cell: &str| -> BTreeSet<String> {
        cell.split(',')
            .map(|s| s.trim().trim_matches('`').to_owned())
            .filter(|s| !s.is_empty() && s != "—")
            .collect()
    };
    let mut graph = Graph::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() != 3 || cells[0] == "crate" || cells[0].starts_with('-') {
            continue;
        }
        let name = cells[0].trim_matches('`').to_owned();
        let edges = Edges {
            normal: list(cells[1]),
            dev: list(cells[2]),
        };
        assert!(
            graph.insert(name.clone(), edges).is_none(),
            "docs/ARCHITECTURE.md's layering table has two rows for {name}"
        );
    }
    graph
}

/// Every dependency `from → to` of the graph, normal or in tests only.
fn all_edges(graph: &Graph) -> impl Iterator<Item = (&str, &str, bool)> {
    graph.iter().flat_map(|(from, e)| {
        e.normal
            .iter()
            .map(move |to| (from.as_str(), to.as_str(), false))
            .chain(
                e.dev
                    .iter()
                    .map(move |to| (from.as_str(), to.as_str(), true)),
            )
    })
}

#[test]
fn the_layering_table_lists_exactly_the_dependencies_of_every_crate() {
    let code = workspace();
    let doc = documented();
    let mut problems = Vec::new();
    for name in code.keys().filter(|n| !doc.contains_key(*n)) {
        problems.push(format!("{name} is a workspace crate without a row"));
    }
    for name in doc.keys().filter(|n| !code.contains_key(*n)) {
        problems.push(format!("{name} has a row but is no workspace crate"));
    }
    for (name, edges) in &code {
        let Some(written) = doc.get(name) else {
            continue;
        };
        for to in edges.normal.difference(&written.normal) {
            problems.push(format!(
                "{name} → {to} is in Cargo.toml but not under \"depends on\""
            ));
        }
        for to in written.normal.difference(&edges.normal) {
            problems.push(format!(
                "{name} → {to} is under \"depends on\" but not a dependency in Cargo.toml"
            ));
        }
        for to in edges.dev.difference(&written.dev) {
            problems.push(format!(
                "{name} → {to} (tests, benchmarks) is in Cargo.toml but not in the last column"
            ));
        }
        for to in written.dev.difference(&edges.dev) {
            problems.push(format!(
                "{name} → {to} is in the last column but not a dev-dependency in Cargo.toml"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/ARCHITECTURE.md's layering table must describe the crates as they are; mend the \
         table (or the Cargo.toml):\n  {}",
        problems.join("\n  ")
    );
}

/// The crates a user's computer runs: the libraries under `app` and the programs on it.
const LIBRARIES_BELOW_APP: &[&str] = &[
    "core", "pkcs12", "store", "import", "receipt", "elt", "bankid",
];
/// The programs at the edge, which start the demo's fakes and call `app`.
const EDGES: &[&str] = &["cli", "desktop"];
/// Test-only crates (tests/): they may use anything, and nothing ships with them.
const TEST_CRATES: &[&str] = &["crash-tests", "e2e", "fuzz-checks", "test-kit"];

#[test]
fn no_dependency_runs_against_the_layering() {
    let graph = workspace();
    let mut broken = Vec::new();
    let mut refuse = |from: &str, to: &str, dev: bool, why: &str| {
        let kind = if dev { " (tests)" } else { "" };
        broken.push(format!("{from} → {to}{kind}: {why}"));
    };
    for (from, to, dev) in all_edges(&graph) {
        if from == "core" {
            refuse(
                from,
                to,
                dev,
                "core is pure and depends on no workspace crate",
            );
        }
        if LIBRARIES_BELOW_APP.contains(&from) && !dev && !["core", "pkcs12"].contains(&to) {
            refuse(
                from,
                to,
                dev,
                "the libraries under app build on core (and the certificate reader) only",
            );
        }
        if to == "app" && !EDGES.contains(&from) && !TEST_CRATES.contains(&from) {
            refuse(
                from,
                to,
                dev,
                "only the CLI, the desktop shell and tests call app",
            );
        }
        if EDGES.contains(&to) || ["crash-tests", "e2e"].contains(&to) {
            refuse(
                from,
                to,
                dev,
                "no crate builds on a program or a test harness",
            );
        }
        if to == "test-kit" && !dev && !TEST_CRATES.contains(&from) {
            refuse(from, to, dev, "the test kit is a dev-dependency only");
        }
        if to == "fakes" && !dev && !EDGES.contains(&from) && !TEST_CRATES.contains(&from) {
            refuse(
                from,
                to,
                dev,
                "the fakes are started at the edge (CLI, desktop) and in tests, never by a library",
            );
        }
        if from == "relay" && !["core", "elt", "bankid", "fakes"].contains(&to) {
            refuse(
                from,
                to,
                dev,
                "the relay runs on the vendor's server: core, elt and bankid only",
            );
        }
        if from == "fakes" && !dev && !["core", "bankid"].contains(&to) {
            refuse(
                from,
                to,
                dev,
                "the fakes check documents and signatures as FK does, nothing more",
            );
        }
        // fakes for the demo; both name the domain's types through `assistid_app::core_types`
        // (issue 19 item 1: no program reaches core or the importer past app).
        let reachable: &[&str] = &["app", "fakes"];
        if EDGES.contains(&from) && !dev && !reachable.contains(&to) {
            refuse(
                from,
                to,
                dev,
                "the CLI and the desktop shell reach the libraries through app",
            );
        }
    }
    assert!(
        broken.is_empty(),
        "dependencies against the layering (docs/ARCHITECTURE.md, \"Layering\"):\n  {}",
        broken.join("\n  ")
    );
}

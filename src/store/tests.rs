use super::*;

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn pack_manifest() -> String {
    "{}".into()
}

/// The layout the application gives: reports with `evidence/*.md`, packs by manifest.
const LAYOUT: Layout = Layout {
    report_markers: &["findings.json", "evidence"],
    trails_folder: "evidence",
    trails_suffix: ".md",
    packs_folder: "packs",
    pack_files: &[
        "trail.md",
        "source-rows.csv",
        "payouts.csv",
        "contract.csv",
        "manifest.json",
    ],
    pack_marker: "manifest.json",
};

fn begin(out: &Path, packs: Option<&Path>) -> Result<Output, OutputError> {
    Output::begin(out, packs, LAYOUT, &Cleanup::default())
}

fn commit(output: Output) -> Result<(), OutputError> {
    output.commit(
        &|paths: &[PathBuf], operation: &(dyn Fn(&Path) -> Result<(), OutputError> + Sync)| {
            paths.iter().try_for_each(|path| operation(path))
        },
        &|| None,
    )
}

#[test]
fn a_commit_replaces_the_folder_and_keeps_what_the_user_put_there() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-out");
    write(&out.join("findings.json"), "old");
    write(&out.join("evidence/C1.md"), "old trail");
    write(&out.join("evidence/notes.txt"), "mine");
    write(&out.join("evidence/C9/manifest.json"), &pack_manifest());
    write(&out.join("evidence/C9/trail.md"), "stale pack");
    write(&out.join("evidence/C9/reply.eml"), "mine too");
    write(&out.join("evidence/C2/manifest.json"), &pack_manifest());
    write(&out.join("readme.txt"), "mine");
    write(&out.join("findings.csv.partial"), "junk");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
    }
    let output = begin(&out, None).unwrap();
    let staging = output.reports().to_path_buf();
    assert!(staging.starts_with(dir.path()));
    assert!(dir.path().join("audit-out.lock").exists());
    write(&staging.join("findings.json"), "new");
    write(&staging.join("evidence/C3.md"), "new trail");
    commit(output).unwrap();
    let read = |name: &str| fs::read_to_string(out.join(name)).ok();
    assert_eq!(read("findings.json").as_deref(), Some("new"));
    assert_eq!(read("evidence/C3.md").as_deref(), Some("new trail"));
    assert_eq!(read("evidence/C1.md"), None);
    assert_eq!(read("evidence/notes.txt").as_deref(), Some("mine"));
    assert_eq!(read("readme.txt").as_deref(), Some("mine"));
    assert_eq!(read("evidence/C9/reply.eml").as_deref(), Some("mine too"));
    assert_eq!(read("evidence/C9/trail.md"), None);
    assert_eq!(read("evidence/C9/manifest.json"), None);
    assert!(!out.join("evidence/C2").exists());
    assert_eq!(read("findings.csv.partial"), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o750, "the folder keeps its permissions");
    }
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["audit-out"], "no staging folder nor lock is left");
}

#[test]
fn dropped_without_a_commit_the_old_folder_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    write(&out.join("findings.json"), "old");
    let output = begin(&out, None).unwrap();
    write(&output.reports().join("findings.json"), "half");
    drop(output);
    assert_eq!(
        fs::read_to_string(out.join("findings.json")).unwrap(),
        "old"
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_second_run_on_the_same_folder_is_refused_and_a_stale_lock_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = begin(&out, None).unwrap();
    let error = begin(&out, None).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, OutputError::Locked { .. }), "{message}");
    assert!(message.contains("out.lock"), "{message}");
    assert!(
        message.contains(&format!("pid {}", std::process::id())),
        "{message}"
    );
    drop(first);
    assert!(!dir.path().join("out.lock").exists());
    // A lock file nobody holds, naming a process that is gone.
    write(
        &dir.path().join("out.lock"),
        "pid=999999999\nstarted=2026-01-01T00:00:00+08:00\n",
    );
    let second = begin(&out, None).unwrap();
    let text = fs::read_to_string(dir.path().join("out.lock")).unwrap();
    assert!(text.contains(&format!("pid={}", std::process::id())));
    drop(second);
}

#[test]
fn leftovers_of_killed_runs_are_removed_and_a_folder_set_aside_is_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    write(
        &dir.path().join(".out.partial-999999991/findings.json"),
        "half",
    );
    write(
        &dir.path().join(".out.old-999999992/findings.json"),
        "previous",
    );
    write(&dir.path().join(".out.partial-9x/keep"), "not ours");
    write(
        &dir.path().join(".output.partial-999999993/keep"),
        "not ours",
    );
    let output = begin(&out, None).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("findings.json")).unwrap(),
        "previous"
    );
    assert!(!dir.path().join(".out.partial-999999991").exists());
    assert!(!dir.path().join(".out.old-999999992").exists());
    assert!(dir.path().join(".out.partial-9x").exists());
    assert!(dir.path().join(".output.partial-999999993").exists());
    drop(output);
}

#[test]
fn folders_that_cannot_be_replaced_whole_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("home/photos.jpg"), "x");
    let error = begin(&dir.path().join("home"), None).unwrap_err();
    assert!(error.to_string().contains("no report"), "{error}");
    write(&dir.path().join("file"), "x");
    let error = begin(&dir.path().join("file"), None).unwrap_err();
    assert!(error.to_string().contains("not a folder"), "{error}");
    let error = begin(&dir.path().join("out"), Some(dir.path())).unwrap_err();
    assert!(error.to_string().contains("holds --out"), "{error}");
}

#[test]
fn packs_inside_out_are_staged_with_the_reports_and_outside_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let inside = begin(&out, Some(&out.join("evidence"))).unwrap();
    assert_eq!(inside.packs().unwrap(), inside.reports().join("evidence"));
    drop(inside);
    let packs = dir.path().join("packs");
    write(&packs.join("C1/manifest.json"), &pack_manifest());
    write(&packs.join("C1/trail.md"), "old");
    let outside = begin(&out, Some(&packs)).unwrap();
    let staging = outside.packs().unwrap().to_path_buf();
    assert!(staging.starts_with(dir.path()) && !staging.starts_with(outside.reports()));
    assert!(dir.path().join("packs.lock").exists());
    write(&staging.join("C2/manifest.json"), &pack_manifest());
    write(&outside.reports().join("findings.json"), "new");
    commit(outside).unwrap();
    assert!(!packs.join("C1").exists());
    assert!(packs.join("C2/manifest.json").exists());
    assert!(out.join("findings.json").exists());
}

/// A run taking over a stale lock holds it before it has written its own pid: a run
/// refused in that moment waits for the holder to say who it is, and names it, not the
/// dead run the file still named.
#[test]
fn a_refusal_during_a_take_over_names_the_run_that_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("out.lock");
    write(&lock, "pid=999999999\nstarted=2026-01-01T00:00:00+08:00\n");
    let held = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&lock)
        .unwrap();
    held.try_lock().unwrap();
    let writer = {
        let lock = lock.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(150));
            let text = format!(
                "pid={}\nstarted=2026-12-07T00:00:00+08:00\n",
                std::process::id()
            );
            fs::write(&lock, text).unwrap();
        })
    };
    let error = begin(&dir.path().join("out"), None).unwrap_err();
    writer.join().unwrap();
    let message = error.to_string();
    assert!(
        message.contains(&format!("pid {}", std::process::id())),
        "{message}"
    );
    assert!(!message.contains("999999999"), "{message}");
    drop(held);
}

//! Importing N profiles is linear: the profile directory is read once per import (an index kept
//! under the store's lock), not once per saved profile. Compare `import 250` with `import 1000`:
//! the second should take about 4× the first. Also `profile list` (one load) of 1,000 profiles.
//! Run with `cargo bench --bench store_import`.

use std::time::Duration;

use certconnect::core::draft::ProfileDraft;
use certconnect::profile_store::{ProfileStore, export_profiles, import_file};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

fn export_of(dir: &std::path::Path, count: usize) -> std::path::PathBuf {
    let source = ProfileStore::at(dir.join(format!("source-{count}")));
    let names: Vec<String> = (0..count).map(|i| format!("Profile {i:05}")).collect();
    let mut locked = source.lock().expect("lock");
    for name in &names {
        locked
            .save(&ProfileDraft::example(name).parse().expect("valid"))
            .expect("save");
    }
    drop(locked);
    let out = dir.join(format!("export-{count}.ron"));
    export_profiles(&source, &names, &out).expect("export");
    out
}

fn store_import(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut group = c.benchmark_group("store");
    for count in [250, 1000] {
        let export = export_of(dir.path(), count);
        group.bench_with_input(BenchmarkId::new("import", count), &export, |b, export| {
            b.iter_batched(
                || tempfile::tempdir_in(dir.path()).expect("store directory"),
                |target| {
                    let store = ProfileStore::at(target.path().join("profiles"));
                    let report = import_file(&store, export).expect("import");
                    assert_eq!(report.imported.len(), count);
                    target
                },
                BatchSize::PerIteration,
            );
        });
    }
    let listed = ProfileStore::at(dir.path().join("source-1000"));
    group.bench_function("load_all 1000", |b| {
        b.iter(|| assert_eq!(listed.load_all().profiles.len(), 1000));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = store_import
}
criterion_main!(benches);

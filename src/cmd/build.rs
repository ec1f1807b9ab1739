//! `retrobook build`: check, then render every page and write the site
//! atomically. Findings at error level stop the build before the output
//! folder is touched, unless `--allow-errors`.

use super::Checked;
use super::progress::Progress;
use crate::check::report::Detail;
use crate::cli::{BuildArgs, Global};
use crate::error::Error;
use crate::output;
use crate::render::{Sink, Site, templates};
use crate::text::plural;
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Warnings of each rule shown in full by `build` (all with `-v`; `check`
/// shows every one).
const WARNINGS_PER_RULE: usize = 3;

pub fn run(args: &BuildArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, None)?;
    let started = std::time::Instant::now();
    let progress = Progress::on_stderr(!global.quiet);
    progress.phase("loading and checking retros", 0);
    let mut checked = match Checked::run(&root, args.today, &args.tracker.exports) {
        Ok(checked) => checked,
        Err(e) => {
            progress.pause();
            return super::stopped(e, args.format, &root);
        }
    };
    progress.phase("reading the items' history from git", 0);
    let history_from = started.elapsed();
    checked.read_history(global);
    let history_time = started.elapsed() - history_from;
    progress.pause();
    let config = &checked.repo.config;
    let out = match &args.out {
        Some(out) => out.clone(),
        None => root.join(&config.build.output),
    };
    output::check_output_dir(&out, &root, &checked.repo.source_dir())?;

    let detail = if global.quiet {
        Detail::ErrorsOnly
    } else if global.verbose {
        Detail::All
    } else {
        Detail::FirstOfEachRule(WARNINGS_PER_RULE)
    };
    let tally = checked.print(args.format, detail, global)?;
    if tally.errors > 0 && !args.allow_errors {
        eprintln!(
            "error: {} at error level; the site was not built (use --allow-errors to build anyway)",
            plural(tally.errors, "finding")
        );
        return Ok(ExitCode::from(1));
    }

    // Printed: a big repo's findings are tens of MB the pages do not need.
    drop(std::mem::take(&mut checked.findings));
    progress.phase("preparing the site", 0);
    let exists = crate::link::on_disk(&root);
    let tera = templates::load(&root, config)?;
    let site = Site::new(
        config,
        &checked.repo.retros,
        &checked.graph,
        checked.today,
        args.base_url.as_deref(),
        &exists,
        &tera,
    )
    .with_tracker(&checked.repo.tracker)
    .with_history(checked.history.as_ref());
    if !site.has_full_base_url() && !global.quiet {
        eprintln!(
            "note: atom.xml and sitemap.xml left out: they need absolute URLs; \
             set [build].base_url or --base-url to the site's full URL (https://…)"
        );
    }
    let checked_at = started.elapsed();
    let lock = output::OutputLock::acquire(&out, !args.no_wait, || {
        progress.pause();
        if !global.quiet {
            eprintln!("waiting for another build writing {} …", out.display());
        }
    })?;
    let staging = output::Staging::begin(lock)?;
    progress.phase("writing pages", if progress.is_drawn() { site.pages().len() } else { 0 });
    let sink = Staged { staging: &staging, progress: &progress, count: AtomicUsize::new(0) };
    let search_time = site.render_into(&sink)?;
    for (name, bytes) in templates::static_files(&root, config)? {
        sink.file(format!("static/{name}"), bytes)?;
    }
    for path in site.attachments() {
        sink.file(crate::render::urls::attachment_url(&path), read_attachment(&root, &path)?)?;
    }
    let rendered_at = started.elapsed();
    let files = sink.count.into_inner();
    progress.phase("swapping the new site in", 0);
    staging.commit()?;
    drop(progress);
    if global.verbose {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "load and check {:.0} ms (the items' history from git {:.0} ms), render and write {:.0} ms (search index {:.0} ms of CPU beside it), swap in {:.0} ms",
            ms(checked_at),
            ms(history_time),
            ms(rendered_at - checked_at),
            ms(search_time),
            ms(started.elapsed() - rendered_at)
        );
        if let Some(peak) = peak_memory_mb() {
            eprintln!("peak memory {peak} MB");
        }
    }
    if !global.quiet {
        eprintln!(
            "built {} ({}) into {} in {:.2}s",
            plural(checked.repo.retros.len(), "retro"),
            plural(files, "file"),
            out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    super::exit_without_freeing(site);
    super::exit_without_freeing(checked);
    Ok(ExitCode::SUCCESS)
}

/// The staged output folder as the renderer's sink, counting the files
/// and the pages (for the progress line).
struct Staged<'a> {
    staging: &'a output::Staging,
    progress: &'a Progress,
    count: AtomicUsize,
}

impl Staged<'_> {
    fn counted(&self, path: &str) {
        self.count.fetch_add(1, Ordering::Relaxed);
        // The search index's files are not pages.
        if !path.starts_with("search/") {
            self.progress.tick();
        }
    }
}

impl Sink for Staged<'_> {
    fn file(&self, path: String, bytes: Vec<u8>) -> Result<(), Error> {
        self.counted(&path);
        self.staging.write(&path, &bytes)
    }

    fn streamed(
        &self,
        paths: &[String],
        fill: &mut dyn FnMut(&mut [&mut dyn Write]) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let mut files = paths.iter().map(|p| self.staging.create(p)).collect::<Result<Vec<_>, _>>()?;
        let mut writers: Vec<&mut dyn Write> = files.iter_mut().map(|f| f as &mut dyn Write).collect();
        let failed = |e| Error::io(std::path::Path::new(&paths.join(", ")), e);
        fill(&mut writers).map_err(failed)?;
        for (path, mut file) in paths.iter().zip(files) {
            self.counted(path);
            file.flush().map_err(|e| Error::io(std::path::Path::new(path), e))?;
        }
        Ok(())
    }
}

/// An attachment linked from a retro; never a file outside the repo.
fn read_attachment(root: &std::path::Path, path: &str) -> Result<Vec<u8>, Error> {
    let full = root.join(path);
    let real = full.canonicalize().map_err(|e| Error::io(&full, e))?;
    let real_root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    if !real.starts_with(&real_root) {
        return Err(Error::new(format!("{path}: links outside the repository; not copied")));
    }
    std::fs::read(&real).map_err(|e| Error::io(&real, e))
}

/// The process's peak resident memory, where the system tells it (Linux).
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

//! The progress line a long build keeps up to date on stderr: only on a
//! terminal, never with `-q`, and only once the build has run for a moment,
//! so short builds and piped output look exactly as they did without it.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a build runs before the line appears, and how often it is redrawn.
const DELAY: Duration = Duration::from_millis(500);
const EVERY: Duration = Duration::from_millis(100);

/// Erase the current terminal line and go to its start.
const ERASE: &str = "\r\x1b[2K";

/// A progress line drawn by a thread of its own, so the work never waits on
/// the terminal. Dropped, it erases the line.
pub struct Progress {
    shared: Option<Arc<Shared>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    done: AtomicUsize,
}

struct State {
    /// What is being done and out of how many (0: not known); `None` while
    /// something else is printed.
    phase: Option<(&'static str, usize)>,
    shown: bool,
    stop: bool,
    out: Box<dyn Write + Send>,
}

impl Progress {
    /// A progress line on stderr when `enabled` and stderr is a terminal;
    /// otherwise one that draws nothing.
    pub fn on_stderr(enabled: bool) -> Progress {
        use std::io::IsTerminal;
        if enabled && std::io::stderr().is_terminal() {
            Progress::to(Box::new(std::io::stderr()), DELAY)
        } else {
            Progress { shared: None, thread: None }
        }
    }

    /// A progress line written to `out`, first drawn after `delay`.
    pub fn to(out: Box<dyn Write + Send>, delay: Duration) -> Progress {
        let state = State { phase: None, shown: false, stop: false, out };
        let shared = Arc::new(Shared { state: Mutex::new(state), wake: Condvar::new(), done: AtomicUsize::new(0) });
        let drawing = Arc::clone(&shared);
        let thread = std::thread::Builder::new().name("progress".into()).spawn(move || draw(&drawing, delay)).ok();
        Progress { shared: Some(shared), thread }
    }

    /// Whether anything is drawn at all (to skip counting totals otherwise).
    pub fn is_drawn(&self) -> bool {
        self.shared.is_some()
    }

    /// Start a new step of the work, counting from zero up to `total`
    /// (0: not known).
    pub fn phase(&self, label: &'static str, total: usize) {
        if let Some(shared) = &self.shared {
            let mut state = lock(shared);
            shared.done.store(0, Ordering::Relaxed);
            state.phase = Some((label, total));
        }
    }

    /// One more item of the current step done.
    pub fn tick(&self) {
        if let Some(shared) = &self.shared {
            shared.done.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Erase the line and draw nothing until the next `phase`: something
    /// else is about to be printed.
    pub fn pause(&self) {
        if let Some(shared) = &self.shared {
            let mut state = lock(shared);
            state.phase = None;
            erase(&mut state);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(shared) = &self.shared {
            let mut state = lock(shared);
            state.stop = true;
            erase(&mut state);
            shared.wake.notify_all();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A panic elsewhere must not take the progress line down with it.
fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn erase(state: &mut State) {
    if state.shown {
        let _ = state.out.write_all(ERASE.as_bytes()).and_then(|_| state.out.flush());
        state.shown = false;
    }
}

fn draw(shared: &Shared, delay: Duration) {
    let started = Instant::now();
    let mut state = lock(shared);
    while !state.stop {
        if let Some((label, total)) = state.phase
            && started.elapsed() >= delay
        {
            let text = line(label, shared.done.load(Ordering::Relaxed), total, started.elapsed());
            let _ = write!(state.out, "{ERASE}{text}").and_then(|_| state.out.flush());
            state.shown = true;
        }
        state = shared.wake.wait_timeout(state, EVERY).map(|(s, _)| s).unwrap_or_else(|e| e.into_inner().0);
    }
}

/// The line: short enough not to wrap on a narrow terminal, which `\r`
/// could not erase.
fn line(label: &str, done: usize, total: usize, elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    match (done.min(total) * 100).checked_div(total) {
        Some(percent) => format!("{label}: {done} of {total} ({percent}%) {secs}s"),
        None if done > 0 => format!("{label}: {done}… {secs}s"),
        None => format!("{label}… {secs}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn draws_the_phase_and_count_then_erases_itself() {
        let out = Captured::default();
        let progress = Progress::to(Box::new(out.clone()), Duration::ZERO);
        progress.phase("writing pages", 40);
        for _ in 0..10 {
            progress.tick();
        }
        let started = Instant::now();
        while !out.text().contains("writing pages: 10 of 40 (25%)") {
            assert!(started.elapsed() < Duration::from_secs(10), "never drawn: {:?}", out.text());
            std::thread::sleep(Duration::from_millis(10));
        }
        progress.pause();
        assert!(out.text().ends_with(ERASE), "{:?}", out.text());
        let paused = out.text();
        std::thread::sleep(EVERY * 3);
        assert_eq!(out.text(), paused, "nothing is drawn while paused");
        progress.phase("loading", 0);
        while !out.text()[paused.len()..].contains("loading… ") {
            assert!(started.elapsed() < Duration::from_secs(10), "never drawn: {:?}", out.text());
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(progress);
        assert!(out.text().ends_with(ERASE), "erased when done: {:?}", out.text());
    }

    #[test]
    fn nothing_is_drawn_before_the_delay() {
        let out = Captured::default();
        let progress = Progress::to(Box::new(out.clone()), Duration::from_secs(60));
        progress.phase("writing pages", 40);
        std::thread::sleep(EVERY * 3);
        drop(progress);
        assert_eq!(out.text(), "");
    }
}

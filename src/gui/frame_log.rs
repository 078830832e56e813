//! `CERTCONNECT_FRAME_LOG=FILE`: what the window bench (`scripts/bench/window.sh`) reads of a
//! running window, for the app and for the bare window it is compared with. Off unless the
//! variable is set. Lines:
//!
//! - `first_frame_unix_ns N`: when the second frame begins, that is once the first one has been
//!   painted and presented;
//! - `frame MS busy|idle`: one frame's CPU time as eframe measures it (the app's code,
//!   tessellation and painting), and whether a background job (test, card, save…) was running.
//!
//! The lines go to a writer thread: the UI thread never touches the file.

use std::io::Write as _;
use std::sync::mpsc;

/// The variable that names the log file.
pub const FRAME_LOG_VAR: &str = "CERTCONNECT_FRAME_LOG";

/// The log of one window (inert when the variable is not set).
#[derive(Default)]
pub struct FrameLog {
    lines: Option<mpsc::Sender<String>>,
    frames: u64,
    busy: bool,
}

impl FrameLog {
    /// A log to the file the variable names, or an inert one.
    pub fn from_env() -> Self {
        let Some(path) = std::env::var_os(FRAME_LOG_VAR) else {
            return Self::default();
        };
        let (sender, receiver) = mpsc::channel::<String>();
        let spawned = std::thread::Builder::new()
            .name("frame-log".into())
            .spawn(move || {
                let Ok(mut file) = std::fs::File::create(&path) else {
                    return;
                };
                for line in receiver {
                    // Each line is flushed: the bench reads the file while the window runs.
                    if writeln!(file, "{line}")
                        .and_then(|()| file.flush())
                        .is_err()
                    {
                        return;
                    }
                }
            });
        Self {
            lines: spawned.ok().map(|_| sender),
            ..Self::default()
        }
    }

    /// At the start of a frame: logs the previous frame (`previous_cpu_secs` is eframe's
    /// `frame.info().cpu_usage`).
    pub fn frame_started(&mut self, previous_cpu_secs: Option<f32>) {
        let Some(lines) = &self.lines else {
            return;
        };
        if self.frames == 1 {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            lines.send(format!("first_frame_unix_ns {now}")).ok();
        }
        if let (Some(secs), true) = (previous_cpu_secs, self.frames > 0) {
            let state = if self.busy { "busy" } else { "idle" };
            lines
                .send(format!("frame {:.2} {state}", secs * 1000.0))
                .ok();
        }
    }

    /// At the end of a frame: whether a background job is running. The first frame asks for a
    /// second one at once, whose start marks the first one as presented.
    pub fn frame_ended(&mut self, ctx: &egui::Context, busy: bool) {
        if self.lines.is_none() {
            return;
        }
        if self.frames == 0 {
            ctx.request_repaint();
        }
        self.frames += 1;
        self.busy = busy;
    }
}

//! The floor for the desktop app: an eframe window with one label, built with the app's eframe
//! features and opened with the app's renderer choice (`CERTCONNECT_RENDERER`) and size.
//! `scripts/bench/window.sh` measures it beside the app: time to the first painted frame, memory,
//! idle CPU (through the same `CERTCONNECT_FRAME_LOG`).

use certconnect::gui::frame_log::FrameLog;

struct BareWindow {
    log: FrameLog,
}

impl eframe::App for BareWindow {
    fn logic(&mut self, _ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.log.frame_started(frame.info().cpu_usage);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("A bare eframe window");
        });
        self.log.frame_ended(ui.ctx(), false);
    }
}

fn main() -> Result<(), String> {
    let renderer = certconnect::gui::renderer::from_env()?
        .first()
        .copied()
        .ok_or("no renderer")?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bare window")
            .with_inner_size([1180.0, 760.0]),
        renderer: renderer.to_eframe(),
        ..Default::default()
    };
    eframe::run_native(
        "bare window",
        options,
        Box::new(|_| {
            Ok(Box::new(BareWindow {
                log: FrameLog::from_env(),
            }))
        }),
    )
    .map_err(|e| e.to_string())
}

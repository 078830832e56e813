//! Which renderer draws the window, and what to try when it cannot start.
//!
//! Both of eframe's renderers are built in. They are tried in order until one opens the window:
//! - On Windows, OpenGL (glow) first, then wgpu (DX12/Vulkan). A DX12 that is present but broken
//!   can end the whole process instead of returning an error (wine's vkd3d aborts on an
//!   assertion), so it cannot be the first try; an OpenGL driver that is missing or too old (a VM's
//!   basic display adapter) fails cleanly, and wgpu then finds DX12 or its software rasterizer.
//! - Elsewhere, wgpu (Vulkan/Metal/GL) first, then glow.
//!
//! `CERTCONNECT_RENDERER=glow|wgpu` uses only that one; `auto` (or unset) is the order above.

/// The environment variable that picks a renderer.
pub const RENDERER_VAR: &str = "CERTCONNECT_RENDERER";

/// One of eframe's renderers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renderer {
    /// OpenGL through glow.
    Glow,
    /// wgpu: DX12 or Vulkan on Windows, Vulkan or GL on Linux, Metal on macOS.
    Wgpu,
}

impl Renderer {
    /// The short name used in the variable and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Glow => "glow",
            Self::Wgpu => "wgpu",
        }
    }

    /// What it draws with, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Glow => "OpenGL (glow)",
            Self::Wgpu => "wgpu (DX12, Vulkan, Metal or GL)",
        }
    }

    /// eframe's value for it.
    pub fn to_eframe(self) -> eframe::Renderer {
        match self {
            Self::Glow => eframe::Renderer::Glow,
            Self::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}

/// The renderers to try, in order, for a value of [`RENDERER_VAR`] (None when unset).
/// An unknown value is an error that names the accepted ones.
pub fn order(choice: Option<&str>) -> Result<Vec<Renderer>, String> {
    match choice.map(|c| c.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "auto") => Ok(default_order().to_vec()),
        Some("glow" | "opengl" | "gl") => Ok(vec![Renderer::Glow]),
        Some("wgpu") => Ok(vec![Renderer::Wgpu]),
        Some(other) => Err(format!(
            "{RENDERER_VAR}={other} is not a renderer; use glow, wgpu or auto"
        )),
    }
}

/// The platform's order when nothing is chosen.
pub fn default_order() -> &'static [Renderer] {
    if cfg!(windows) {
        &[Renderer::Glow, Renderer::Wgpu]
    } else {
        &[Renderer::Wgpu, Renderer::Glow]
    }
}

/// The renderers to try for this process's environment.
pub fn from_env() -> Result<Vec<Renderer>, String> {
    let value = std::env::var(RENDERER_VAR).ok();
    order(value.as_deref())
}

/// One line for `--version --verbose`: what will be tried and why.
pub fn summary() -> String {
    let value = std::env::var(RENDERER_VAR).ok();
    let names = |list: &[Renderer]| {
        list.iter()
            .map(|r| r.describe())
            .collect::<Vec<_>>()
            .join(", then ")
    };
    match (order(value.as_deref()), value) {
        (Ok(list), Some(value)) if !value.trim().is_empty() => {
            format!("{} ({RENDERER_VAR}={value})", names(&list))
        }
        (Ok(list), _) => format!("{} (automatic; {RENDERER_VAR} overrides)", names(&list)),
        (Err(message), _) => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_and_auto_try_both_in_the_platform_order() {
        for value in [None, Some(""), Some("auto"), Some(" AUTO ")] {
            let list = order(value).expect("valid");
            assert_eq!(list.len(), 2, "{value:?}");
            assert_eq!(list, default_order());
        }
        let first = if cfg!(windows) {
            Renderer::Glow
        } else {
            Renderer::Wgpu
        };
        assert_eq!(default_order()[0], first);
    }

    #[test]
    fn a_choice_tries_only_that_renderer() {
        assert_eq!(order(Some("glow")), Ok(vec![Renderer::Glow]));
        assert_eq!(order(Some("OpenGL")), Ok(vec![Renderer::Glow]));
        assert_eq!(order(Some("wgpu")), Ok(vec![Renderer::Wgpu]));
    }

    #[test]
    fn an_unknown_choice_names_the_accepted_ones() {
        let error = order(Some("vulkan")).expect_err("unknown");
        assert!(error.contains("CERTCONNECT_RENDERER=vulkan"), "{error}");
        assert!(error.contains("glow, wgpu or auto"), "{error}");
    }
}

//! Entry point of the planner page: mounts the app and nothing else.
fn main() {
    scaleplan_app::start();
}

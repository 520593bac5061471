//! The sandbox's layers in words, for every format: a report's JSON lists each active layer as a sentence.

use harness_sandbox::cgroup::Version;
use harness_sandbox::{Backend, Kill, Layer, Layers};
use serde::Serializer;
use serde::ser::SerializeStruct;

/// A layer as a report's sentence.
pub fn phrase(layer: &Layer) -> String {
    match *layer {
        Layer::Namespaces(Backend::Embedded) => {
            "namespaces (embedded): user, pid, network, mount, IPC, UTS and cgroup (no network at all, a read-only root)"
                .to_owned()
        }
        Layer::Namespaces(Backend::Bubblewrap) => {
            "bubblewrap: user, pid, network, IPC, UTS and cgroup namespaces (no network at all)".to_owned()
        }
        Layer::Filesystem { tmp_mib } => {
            format!("filesystem: read-only /usr, only the files the run needs, private /tmp of {tmp_mib} MiB")
        }
        Layer::Privileges => {
            "privileges: a uid of the grade's own when started as root, no capabilities, no_new_privs".to_owned()
        }
        Layer::Environment => "environment: cleared (only the harness's own variables)".to_owned(),
        Layer::Builds => {
            "builds: cargo in the sandbox too, in two phases: the candidate's library first, seeing nothing \
                          hidden; then the runner, the only build that sees the suite and reference, compiling no \
                          candidate source"
                .to_owned()
        }
        Layer::Landlock { abi } => {
            let mut line = format!(
                "Landlock (ABI {abi}): reads only under /usr, /proc and the run's own files, writes only to its output \
                 dir, /tmp and /dev"
            );
            line.push_str(if abi >= 4 { ", no TCP" } else { "" });
            line.push_str(if abi >= 6 { ", no signals or abstract sockets beyond the sandbox" } else { "" });
            line
        }
        Layer::Rlimits => {
            "rlimits: CPU time, address space, file size, open files, processes, no core dumps".to_owned()
        }
        Layer::Cgroup { version, processes, every_run } => {
            let version = match version {
                Version::V1 => "cgroup v1",
                Version::V2 => "cgroup v2",
            };
            let mut line = format!(
                "{version}: each run's processes together capped at its memory limit and {processes} processes, and all \
                 killed when it ends"
            );
            if !every_run {
                line.push_str(" (not for every run: creating a group or moving a run into it failed at least once)");
            }
            line
        }
        Layer::WallClock(Kill::Namespace) => "wall-clock limit: the sandbox's whole PID namespace is killed".to_owned(),
        Layer::WallClock(Kill::GroupAndCgroup) => "wall-clock limit: the process group is killed, then every process \
                                                   left in the run's cgroup (a setsid daemon included)"
            .to_owned(),
        Layer::WallClock(Kill::Group) => {
            "wall-clock limit: the process group is killed (a setsid daemon may survive)".to_owned()
        }
    }
}

/// The layers as a report's `sandbox` object: `sandboxed` and the `active` layers' sentences.
pub fn serialize<S: Serializer>(layers: &Layers, serializer: S) -> Result<S::Ok, S::Error> {
    let mut object = serializer.serialize_struct("Layers", 2)?;
    object.serialize_field("sandboxed", &layers.sandboxed)?;
    object.serialize_field("active", &layers.active.iter().map(phrase).collect::<Vec<_>>())?;
    object.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landlock_is_said_to_stop_only_what_its_abi_enforces() {
        let abi7 = phrase(&Layer::Landlock { abi: 7 });
        assert!(
            abi7.starts_with("Landlock (ABI 7): ") && abi7.contains("no TCP") && abi7.contains("signals"),
            "{abi7}"
        );
        let abi3 = phrase(&Layer::Landlock { abi: 3 });
        assert!(!abi3.contains("TCP") && !abi3.contains("signals"), "{abi3}");
    }

    #[test]
    fn the_namespaces_say_which_backend_made_them() {
        assert!(phrase(&Layer::Namespaces(Backend::Embedded)).starts_with("namespaces (embedded): user, pid, network"));
        assert!(phrase(&Layer::Namespaces(Backend::Bubblewrap)).starts_with("bubblewrap: user, pid, network"));
    }

    #[test]
    fn a_cgroup_that_missed_a_run_says_so() {
        let cgroup = |every_run| phrase(&Layer::Cgroup { version: Version::V2, processes: 512, every_run });
        assert!(cgroup(true).starts_with("cgroup v2: ") && cgroup(true).contains("512 processes"));
        assert!(cgroup(false).contains("not for every run"));
    }
}

// The help text of `scanfuse fuse` (its own module so main.ts shows it without loading the command).

/** `scanfuse fuse --help`, after the options. */
export const FUSE_HELP = `
DATASET is a folder in scanfuse's layout (written by \`scanfuse simulate\` / writeSimulatedDataset:
manifest.json, depth/, intrinsics.json, trajectory.log, reference.ply) or the Redwood / Open3D
layout (depth/*.png, an intrinsics JSON, optionally trajectory.log).

Poses: --poses FILE.log integrates every frame at the camera-to-world pose of that Redwood .log
(metres); --poses dataset uses the dataset's own trajectory (trajectory.log or the manifest's).
Without --poses the frames are tracked (frame-to-model ICP, as a live scan), starting at the
dataset's first pose when it has a trajectory, and the absolute trajectory error against that
trajectory is printed. --trajectory-out writes the poses of the fused frames (tracked or given)
as a Redwood .log in metres; each block's metadata line is "k k k+1" with k the dataset's frame.

Defaults by dataset: a simulated intraoral dataset (or any whose first frame's median depth is
below 100 mm) uses 0.05 mm voxels and the wand's depth range (2..20 mm); anything else is room
scale: 10 mm voxels and depth 100..3000 mm (the livingroom frames of Open3D's examples).
Truncation: 4 voxels. The volume's memory budget: 512 MiB, at most 1024 (it never grows past
it: blocks that do not fit are refused and the report says CAPACITY REACHED).

Printed: frames/s (frame loop, reading the PNGs included), integrate ms/frame (median of the
integrate call), extraction ms, peak volume memory (MiB of allocated blocks) and block count,
triangle count, and when the dataset has reference.ply: trueness (mean abs, RMS, p95 in µm of the
mesh's vertices to the reference, area-weighted; vertices beyond max(1 mm, 20 voxels) left out
and their share shown) and completeness (share of the whole reference area within 50 µm of the
mesh). Outputs are written to a temporary file and renamed into place.
Exit code: 0 fused, 1 the dataset or an output failed (or no frame could be integrated),
2 usage error. With --json, stdout gets one JSON object and nothing else.`;

// Runs a sweep (or one shard of it) over worker threads, resuming from and
// appending to a journal, with a progress callback that can cancel.
#pragma once

#include "sweep/sweep_spec.h"
#include "sweep/sweep_table.h"

#include <atomic>
#include <functional>
#include <string>

namespace axbnn {

// Shard I of N holds the points whose index % N == I (0 <= I < N), so every
// shard gets a similar mix of cheap and expensive points.
struct SweepShard {
    int index = 0, count = 1;
    bool holds(int point) const { return point % count == index; }
};
SweepShard parseShard(const std::string& text); // "I/N"; throws std::invalid_argument

struct SweepProgress {
    int done = 0; // points of this shard finished (resumed + evaluated)
    int total = 0; // points of this shard
    int evaluated = 0; // evaluated by this run
    int resumed = 0; // taken from the journal
    const SweepPoint* point = nullptr; // the point just finished
};
// Called after each evaluated point, serialized (one call at a time) but
// from a worker thread when threads > 1. Return false to cancel: running
// points finish and are journaled, no new one starts.
using SweepProgressFn = std::function<bool(const SweepProgress&)>;

struct SweepRunOptions {
    SweepShard shard;
    int threads = 0; // points evaluated in parallel; 0: all cores
    std::string journal; // "" : none (the run cannot be resumed)
    bool restart = false; // discard the journal's content first
    // "" : none. An evaluation cache file (explore/evaluate.h): accuracy
    // counts by design hash, read before and written after the run, so that
    // another sweep over the same designs and data does not evaluate them again.
    std::string cache;
    SweepProgressFn progress;
    const std::atomic<bool>* cancel = nullptr; // set to cancel from another thread
};

struct SweepOutcome {
    SweepTable table; // this shard's finished rows in point order; pareto unset
    int total = 0; // points of this shard
    int evaluated = 0; // points evaluated by this run
    int resumed = 0; // points taken from the journal
    int droppedJournalLines = 0; // torn last line found in the journal
    int exactAccuracyRuns = 0; // exact model evaluations (once per model)
    int accuracyRuns = 0; // approximate model evaluations
    int cachedCounts = 0; // accuracy counts served by the cache file instead of inference
    bool cancelled = false; // true: table is incomplete
};

// Throws on the first point that fails (finished points stay journaled),
// std::runtime_error if the journal belongs to another sweep or shard.
SweepOutcome runSweep(const SweepSpec& spec, const SweepRunOptions& options);

} // namespace axbnn

// `axbnn sweep` and `axbnn merge`: design-space sweeps from a JSON spec
// (docs/sweep-format.md), resumable and splittable into shards.
#include "commands.h"

#include "sweep/sweep_runner.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace axbnn::cli {
namespace {

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void onInterrupt(int)
{
    interrupted = true;
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

struct OutputArgs {
    std::string out;
    std::string pareto;
    ParetoChoice choice;
};

void addOutputOptions(CLI::App* cmd, OutputArgs& o)
{
    cmd->add_option("--out,-o", o.out, "Results file, .csv or .json (docs/sweep-format.md)")->required();
    cmd->add_option("--pareto", o.pareto, "Also write the Pareto-optimal rows to FILE (.csv or .json)");
    cmd->add_option("--pareto-cost", o.choice.cost,
                    "Cost axis of the pareto column: area_um2, energy_fj, delay_ps, transistors, cells")
        ->capture_default_str();
    cmd->add_option("--pareto-quality", o.choice.quality,
                    "Quality axis: accuracy, accuracy_loss, error_rate, mae, mse, wce, or auto (accuracy "
                    "with a model, else mae)")
        ->capture_default_str();
}

void checkOutputs(const OutputArgs& o)
{
    isJsonSweepFile(o.out); // throws on other names, before any work
    if (!o.pareto.empty())
        isJsonSweepFile(o.pareto);
    checkParetoChoice(o.choice);
}

void writeOutputs(SweepTable table, const OutputArgs& o)
{
    markPareto(table, o.choice);
    writeSweepFile(o.out, table);
    if (!o.pareto.empty())
        writeSweepFile(o.pareto, paretoRows(table));
}

struct SweepArgs {
    std::string spec;
    OutputArgs output;
    std::string shard = "0/1";
    int threads = 0;
    bool restart = false;
    std::string cache;
};

void runSweepCommand(const SweepArgs& a)
{
    checkOutputs(a.output);
    const SweepSpec spec = loadSweepSpec(a.spec);
    SweepRunOptions options;
    options.shard = parseShard(a.shard);
    options.threads = a.threads;
    options.journal = a.output.out + ".journal";
    options.restart = a.restart;
    options.cache = a.cache;
    options.cancel = &interrupted;
    const bool tty = ::isatty(STDERR_FILENO);
    if (tty)
        options.progress = [](const SweepProgress& p) {
            std::fprintf(stderr, "\r\033[K[%d/%d] %s", p.done, p.total, p.point->key.c_str());
            return true;
        };
    std::signal(SIGINT, onInterrupt);
    const SweepOutcome outcome = runSweep(spec, options);
    std::signal(SIGINT, SIG_DFL);
    if (tty)
        std::fprintf(stderr, "\r\033[K");
    if (outcome.cancelled)
        throw std::runtime_error("interrupted after " + std::to_string(outcome.table.rows.size()) + " of "
                                 + std::to_string(outcome.total) + " points; they are kept in " + options.journal
                                 + ": rerun the same command to resume");
    writeOutputs(outcome.table, a.output);
    std::printf("%d points (%d evaluated, %d resumed from %s%s), spec_hash %s; wrote %s\n", outcome.total,
                outcome.evaluated, outcome.resumed, options.journal.c_str(),
                outcome.droppedJournalLines ? ", torn last line dropped" : "", spec.hash.c_str(), a.output.out.c_str());
    if (!a.cache.empty())
        std::printf("%d accuracy counts taken from the cache %s\n", outcome.cachedCounts, a.cache.c_str());
}

void runMerge(const std::vector<std::string>& files, const OutputArgs& o)
{
    checkOutputs(o);
    std::vector<std::pair<std::string, SweepTable>> shards;
    for (const std::string& f : files)
        shards.emplace_back(f, readSweepFile(f));
    const SweepTable merged = mergeSweepTables(shards);
    writeOutputs(merged, o);
    std::printf("%d points from %zu shards, spec_hash %s; wrote %s\n", merged.points, files.size(),
                merged.specHash.c_str(), o.out.c_str());
}

} // namespace

void addSweepCommands(CLI::App& app)
{
    auto args = std::make_shared<SweepArgs>();
    CLI::App* sweep = app.add_subcommand(
        "sweep", "Evaluate every point of a design-space sweep (JSON spec) into CSV or JSON, resumably");
    sweep->add_option("--spec,-s", args->spec, "Sweep specification (JSON, docs/sweep-format.md)")
        ->required()
        ->check(CLI::ExistingFile);
    addOutputOptions(sweep, args->output);
    sweep
        ->add_option("--shard", args->shard,
                     "Evaluate share I of N (points with index % N == I), e.g. "
                     "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; join with 'axbnn merge'")
        ->capture_default_str();
    sweep->add_option("--threads", args->threads, "Points evaluated in parallel (0: all cores)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    sweep->add_flag("--restart", args->restart,
                    "Discard the journal (OUT.journal) of an earlier run instead of resuming it");
    sweep->add_option("--cache", args->cache,
                      "Evaluation cache file (created if missing): accuracy counts by design hash, reused by "
                      "any later sweep over the same designs and data");
    sweep->callback([args]() { runSweepCommand(*args); });

    auto files = std::make_shared<std::vector<std::string>>();
    auto output = std::make_shared<OutputArgs>();
    CLI::App* merge = app.add_subcommand(
        "merge", "Join the results of 'axbnn sweep --shard' runs; checks they cover the sweep exactly once");
    merge->add_option("shards", *files, "Shard result files (.csv or .json)")->required()->check(CLI::ExistingFile);
    addOutputOptions(merge, *output);
    merge->callback([files, output]() { runMerge(*files, *output); });
}

} // namespace axbnn::cli

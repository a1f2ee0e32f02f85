// `axbnn search`: the cheapest per-layer popcount design of a model within an
// accuracy budget (docs/search.md).
#include "circuit_options.h"
#include "commands.h"

#include "search/search_run.h"
#include "search/search_setup.h"
#include "util/atomic_file.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unistd.h>

namespace axbnn::cli {
namespace {

std::atomic<bool> searchInterrupted{false};

extern "C" void onSearchInterrupt(int)
{
    searchInterrupted = true;
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

struct SearchArgs {
    CircuitOptions circuit; // --cells
    std::string model;
    double budget = 1.0;
    std::string objective = "area";
    std::string space;
    std::string strategy = "greedy";
    std::vector<std::string> mitigations;
    std::string data = "fashion-mnist";
    int limit = 0;
    std::string calibration = "fashion-mnist:train";
    int calibrationLimit = 1000;
    int proxyImages = 1000;
    int evaluations = 300;
    double timeLimit = 0;
    int threads = 0;
    uint64_t seed = 1;
    int verify = 8;
    std::string journal;
    std::string out;
    std::string front;
};

std::string costText(const NetworkCost& c)
{
    char buf[128];
    std::snprintf(buf, sizeof buf, "area %.1f um^2, energy %.4g fJ/inference, delay %.0f ps", c.areaUm2, c.energyFj,
                  c.delayPs);
    return buf;
}

double saving(double exact, double value)
{
    return exact > 0 ? 100.0 * (exact - value) / exact : 0.0;
}

SearchCommand commandOf(const SearchArgs& a)
{
    SearchCommand c;
    c.setup.model = a.model;
    c.setup.space = a.space;
    for (const std::string& m : a.mitigations)
        c.setup.mitigations.push_back(parseMitigation(m));
    c.setup.data = a.data;
    c.setup.limit = a.limit;
    c.setup.calibration = a.calibration;
    c.setup.calibrationLimit = a.calibrationLimit;
    c.setup.proxyImages = a.proxyImages;
    c.setup.threads = a.threads;
    c.strategy = a.strategy;
    c.objective = a.objective;
    c.budget = a.budget;
    c.evaluations = a.evaluations;
    c.timeLimit = a.timeLimit;
    c.seed = a.seed;
    c.library = a.circuit.libraryName;
    c.cells = a.circuit.cellsFile;
    c.out = a.out;
    c.front = a.front;
    return c;
}

void printChosen(const SearchProblem& pb, const SearchResult& r, const SearchArgs& a)
{
    const Evaluated& e = *r.chosen;
    const Mitigation mode = pb.space().mitigations[static_cast<size_t>(e.mitigation)];
    std::printf("chosen design (mitigation %s):\n", mitigationName(mode));
    for (size_t i = 0; i < e.units.size(); ++i) {
        const LayerSpace& l = pb.space().layers[i];
        const int u = e.units[i];
        std::printf("  %-12s %-36s %s\n", l.name.c_str(), unitSummary(l.units[u], l.exactUnit[u]).c_str(),
                    costText(pb.unitCost(static_cast<int>(i), u)).c_str());
    }
    std::printf("  total        %s\n", costText(e.cost).c_str());
    std::printf("  exact        %s\n", costText(r.exactCost).c_str());
    std::printf("  saved        area %.1f%%, energy %.1f%%, delay %.1f%%\n",
                saving(r.exactCost.areaUm2, e.cost.areaUm2), saving(r.exactCost.energyFj, e.cost.energyFj),
                saving(r.exactCost.delayPs, e.cost.delayPs));
    std::printf("  accuracy     proxy %.4f (exact %.4f), test %.4f (exact %.4f, loss %.2f points, budget %.2f)\n",
                e.proxy.accuracy(), pb.exactProxyAccuracy(), r.chosenTest.accuracy(), r.exactTest.accuracy(),
                100.0 * (r.exactTest.accuracy() - r.chosenTest.accuracy()), a.budget);
    std::printf("reproduce: %s\n", searchEvalCommandLine(commandOf(a), mode).c_str());
}

// An output whose folder does not exist fails before the search, not after.
void checkOutput(const std::string& path, const char* option)
{
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
        throw std::invalid_argument(std::string(option) + " " + path + ": the folder " + folder.string()
                                    + " does not exist");
}

void runSearchCommand(const SearchArgs& a)
{
    checkOutput(a.out, "--out");
    if (!a.front.empty())
        checkOutput(a.front, "--front");
    const std::unique_ptr<SearchSetup> setup = prepareSearch(commandOf(a).setup, a.circuit.library());
    const SearchSpace& space = setup->space;

    EvaluationCache cache;
    if (!a.journal.empty())
        cache.load(a.journal);
    const size_t journaled = cache.size();
    SearchOptions options;
    options.strategy = parseStrategy(a.strategy);
    options.objective = parseObjective(a.objective);
    options.budgetPoints = a.budget;
    options.seed = a.seed;
    options.verify = a.verify;
    options.journal = a.journal;
    options.limits.evaluations = a.evaluations;
    options.limits.seconds = a.timeLimit;
    options.limits.cancel = &searchInterrupted;
    const bool tty = ::isatty(STDERR_FILENO);
    auto lastPrint = std::chrono::steady_clock::now();
    options.limits.progress = [&](const SearchProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        if (tty || p.evaluations == p.limit || now - lastPrint > std::chrono::seconds(5)) {
            lastPrint = now;
            std::fprintf(stderr, "%s[%d/%d] %.1f s, front %zu", tty ? "\r\033[K" : "", p.evaluations, p.limit,
                         p.seconds, p.front.size());
            if (p.best)
                std::fprintf(stderr, ", best %s %.6g at proxy accuracy %.4f", objectiveInfo(options.objective).name,
                             p.best->cost.of(options.objective), p.best->proxy.accuracy());
            std::fprintf(stderr, tty ? "" : "\n");
        }
        return true;
    };
    std::printf("search %s: %zu layers, %.4g networks, strategy %s, objective %s, budget %.2f points\n",
                a.model.c_str(), space.layers.size(), space.networks(), a.strategy.c_str(), a.objective.c_str(),
                a.budget);
    SearchProblem problem(space, *setup->costs, setup->data, options.objective, a.budget, options.limits, &cache);
    std::signal(SIGINT, onSearchInterrupt);
    const SearchResult r = runSearch(problem, options, cache);
    std::signal(SIGINT, SIG_DFL);
    if (tty)
        std::fprintf(stderr, "\r\033[K");
    if (r.stop == SearchStop::Cancelled)
        throw std::runtime_error("interrupted after " + std::to_string(r.evaluations) + " evaluations; "
                                 + (a.journal.empty()
                                        ? "nothing was written (--journal FILE makes a search resumable)"
                                        : "they are kept in " + a.journal + ": rerun the same command to resume"));
    std::printf("%d evaluations (%zu accuracy counts from the journal) on %d proxy images, %.1f s%s\n", r.evaluations,
                journaled, a.proxyImages, r.seconds,
                r.stop == SearchStop::TimeLimit ? ", stopped by --time-limit" : "");
    const double refCost = r.exactCost.of(options.objective);
    std::printf("front %zu points, hypervolume %.5f (reference: exact design's %s, proxy accuracy - 10 points)\n",
                r.front.size(), searchHypervolume(problem, r.front, refCost, problem.exactProxyAccuracy() - 0.10),
                objectiveInfo(options.objective).name);
    const std::vector<LayerSensitivity> sensitivity = layerSensitivity(problem);
    std::printf("per-layer sensitivity (networks that change one layer of the exact design, proxy accuracy):\n");
    for (size_t i = 0; i < sensitivity.size(); ++i) {
        const LayerSensitivity& s = sensitivity[i];
        const LayerSpace& l = space.layers[i];
        std::printf("  %-12s %d measured, %d within the budget", l.name.c_str(), s.measured, s.withinBudget);
        if (s.bestSaving)
            std::printf("; cheapest %s (%.4f)",
                        unitSummary(l.units[s.bestSaving->units[i]], l.exactUnit[s.bestSaving->units[i]]).c_str(),
                        s.bestSaving->proxy.accuracy());
        if (s.worst)
            std::printf("; worst %s (%.4f)",
                        unitSummary(l.units[s.worst->units[i]], l.exactUnit[s.worst->units[i]]).c_str(),
                        s.worst->proxy.accuracy());
        std::printf("\n");
    }
    std::printf("verified on %d test images (proxy predicted -> measured accuracy):\n", r.exactTest.images);
    for (const VerifiedPoint& v : r.verified)
        std::printf("  #%-4d %s %.6g: %.4f -> %.4f%s\n", v.point->order, objectiveInfo(options.objective).name,
                    problem.cost(*v.point), v.point->proxy.accuracy(), v.test.accuracy(),
                    v.meetsBudget ? "  within budget" : "");
    if (!r.chosen)
        throw std::runtime_error("no design of the front met the budget on the test set (the exact model has "
                                 + std::to_string(r.exactTest.accuracy())
                                 + "); try more --evaluations, --verify or --proxy-images");
    writeFileAtomically(a.out, searchLayerConfig(problem, *r.chosen).dump(2) + "\n");
    if (!a.front.empty())
        writeFileAtomically(a.front, searchFrontCsv(problem, r));
    printChosen(problem, r, a);
}

} // namespace

void addSearchCommand(CLI::App& app)
{
    auto a = std::make_shared<SearchArgs>();
    CLI::App* cmd = app.add_subcommand(
        "search", "Find the cheapest per-layer popcount design within an accuracy budget (docs/search.md)");
    cmd->add_option("--model,-m", a->model, "Model file (HDF5)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--budget", a->budget, "Accuracy loss allowed against the exact model, in points")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    cmd->add_option("--objective", a->objective, "Cost to minimize")
        ->check(CLI::IsMember(objectiveNames()))
        ->capture_default_str();
    cmd->add_option("--space", a->space, "Search space JSON restricting the default (docs/search.md)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--strategy", a->strategy, "Search strategy")
        ->check(CLI::IsMember(strategyNames()))
        ->capture_default_str();
    cmd->add_option("--mitigation", a->mitigations,
                    "Mitigation modes to consider, comma-separated (default: none, or the space file's)")
        ->delimiter(',')
        ->check(CLI::IsMember(mitigationNames()));
    cmd->add_option("--data", a->data, "Test set the front is verified on")->capture_default_str();
    cmd->add_option("--limit", a->limit, "Test images (0: all)")->check(CLI::Range(0, 100'000'000));
    cmd->add_option("--calibration", a->calibration,
                    "Images that fit mitigation (the first --calibration-limit) and rank designs (the next "
                    "--proxy-images)")
        ->capture_default_str();
    cmd->add_option("--calibration-limit", a->calibrationLimit, "Calibration images for mitigation")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    cmd->add_option("--proxy-images", a->proxyImages, "Images the proxy accuracy is measured on")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    cmd->add_option("--evaluations", a->evaluations, "Networks evaluated on the proxy images at most")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    cmd->add_option("--time-limit", a->timeLimit, "Stop searching after S seconds (0: none), then verify")
        ->check(CLI::Range(0.0, 1e7));
    cmd->add_option("--threads", a->threads, "Inference threads (0: all cores); the result does not depend on it")
        ->check(CLI::Range(0, 1024));
    cmd->add_option("--seed", a->seed, "Seed of the random and NSGA-II strategies")->capture_default_str();
    cmd->add_option("--verify", a->verify, "Front points verified on the test set at most")
        ->check(CLI::Range(1, 10'000))
        ->capture_default_str();
    cmd->add_option("--journal", a->journal,
                    "Evaluation journal (created if missing): an interrupted search rerun with it resumes");
    cmd->add_option("--out,-o", a->out, "The chosen design as a layer config (docs/layer-config.md)")->required();
    cmd->add_option("--front", a->front, "The Pareto front as CSV");
    addCellsOption(cmd, a->circuit);
    cmd->callback([a]() { runSearchCommand(*a); });
}

} // namespace axbnn::cli

// Worker pool over a shard's unfinished points, journal in, journal out.
#include "sweep/sweep_runner.h"

#include "sweep/sweep_evaluator.h"
#include "sweep/sweep_journal.h"

#include "explore/evaluate.h"

#include "bnn/inference_types.h"

#include <charconv>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace axbnn {

SweepShard parseShard(const std::string& text)
{
    const size_t slash = text.find('/');
    SweepShard s;
    auto number = [&](std::string_view part, int& out) {
        const auto r = std::from_chars(part.data(), part.data() + part.size(), out);
        return r.ec == std::errc() && r.ptr == part.data() + part.size();
    };
    if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), s.index)
        || !number(std::string_view(text).substr(slash + 1), s.count) || s.count < 1 || s.index < 0
        || s.index >= s.count)
        throw std::invalid_argument("--shard '" + text + "': expected I/N with 0 <= I < N, e.g. 0/4");
    return s;
}

SweepOutcome runSweep(const SweepSpec& spec, const SweepRunOptions& options)
{
    const std::vector<SweepPoint> points = enumerateSweep(spec);
    const int size = static_cast<int>(points.size());
    SweepOutcome out;
    std::map<int, SweepRow> rows;
    std::unique_ptr<SweepJournal> journal;
    if (!options.journal.empty()) {
        journal = std::make_unique<SweepJournal>(
            options.journal, SweepJournalHeader{spec.hash, size, options.shard.index, options.shard.count},
            options.restart);
        out.droppedJournalLines = journal->droppedLines();
        for (const SweepRow& r : journal->finished()) {
            const int64_t i = std::get<int64_t>(r[ColPoint]);
            const auto* id = std::get_if<std::string>(&r[ColPointId]);
            if (i < 0 || i >= size || !options.shard.holds(static_cast<int>(i)) || !id || *id != points[i].id)
                throw std::runtime_error(options.journal + ": point " + std::to_string(i)
                                         + " does not belong to this sweep; rerun with --restart");
            rows[static_cast<int>(i)] = r; // a repeated point keeps its last copy (identical values)
        }
    }
    std::vector<SweepPoint> pending;
    for (const SweepPoint& p : points)
        if (options.shard.holds(p.index)) {
            ++out.total;
            if (!rows.count(p.index))
                pending.push_back(p);
        }
    out.resumed = static_cast<int>(rows.size());
    EvaluationCache cache;
    if (!options.cache.empty())
        cache.load(options.cache);
    SweepEvaluator evaluator(spec, pending, options.cancel, options.cache.empty() ? nullptr : &cache);

    std::mutex mutex;
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    auto cancelled = [&] { return stop.load() || (options.cancel && options.cancel->load()); };
    auto work = [&] {
        while (!cancelled()) {
            const size_t k = next++;
            if (k >= pending.size())
                return;
            const SweepPoint& p = pending[k];
            SweepRow row;
            try {
                row = evaluator.evaluate(p, size);
            } catch (const InferenceCancelled&) {
                return;
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!error)
                    error = std::current_exception();
                stop = true;
                return;
            }
            const std::lock_guard lock(mutex);
            try {
                if (journal)
                    journal->append(row);
            } catch (...) {
                if (!error)
                    error = std::current_exception();
                stop = true;
                return;
            }
            rows[p.index] = std::move(row);
            ++out.evaluated;
            if (options.progress
                && !options.progress({static_cast<int>(rows.size()), out.total, out.evaluated, out.resumed, &p})) {
                stop = true;
                out.cancelled = true;
            }
        }
    };
    int workers = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    workers = std::max(1, std::min(workers, static_cast<int>(pending.size())));
    if (workers == 1) {
        work(); // in the caller's thread
    } else {
        std::vector<std::jthread> pool;
        for (int t = 0; t < workers; ++t)
            pool.emplace_back(work);
    }
    if (!options.cache.empty())
        cache.save(options.cache); // what was counted, also when a point failed
    if (error)
        std::rethrow_exception(error);
    out.cachedCounts = cache.hits();
    out.cancelled = out.cancelled || static_cast<int>(rows.size()) < out.total;
    out.exactAccuracyRuns = evaluator.exactAccuracyRuns();
    out.accuracyRuns = evaluator.accuracyRuns();
    out.table.specHash = spec.hash;
    out.table.points = size;
    for (auto& [i, r] : rows)
        out.table.rows.push_back(std::move(r));
    return out;
}

} // namespace axbnn

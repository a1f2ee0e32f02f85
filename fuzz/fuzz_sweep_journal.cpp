// The sweep journal (`axbnn sweep --out`, resumed runs; sweep/sweep_journal.h)
// opened as a resumed sweep opens it, without and with --restart. A refused
// file is left unchanged; an accepted one only loses a torn last line (or a
// torn header is rewritten), reopens with the same rows and nothing dropped,
// and every row has the point index and id that runSweep reads.
#include "fuzz_support.h"
#include "sweep/sweep_journal.h"

using namespace axbnn;

namespace {

// The header of the seeds in fuzz/corpus/sweep_journal.
const SweepJournalHeader kHeader{"00c0ffee00c0ffee", 8, 0, 1};
const std::string kHeaderLine = R"({"journal":"axbnn-sweep","version":1,"spec_hash":"00c0ffee00c0ffee","points":8,)"
                                R"("shard":"0/1"})";

void openOnce(const uint8_t* data, size_t size, bool restart)
{
    const std::string path = fuzz::writeScratch(restart ? "restart.journal" : "resume.journal", data, size);
    const std::string original(reinterpret_cast<const char*>(data), size);
    bool opened = false;
    fuzz::refusalOk(
        [&] {
            std::vector<SweepRow> rows;
            {
                const SweepJournal journal(path, kHeader, restart);
                opened = true;
                rows = journal.finished();
                for (const SweepRow& r : rows)
                    fuzz::check(std::holds_alternative<int64_t>(r[ColPoint])
                                    && std::holds_alternative<std::string>(r[ColPointId]),
                                "a journal row without a point index or id");
            }
            const std::string kept = fuzz::readWhole(path);
            fuzz::check(restart || kept == original.substr(0, kept.size())
                            || (original.find('\n') == std::string::npos && kHeaderLine.rfind(original, 0) == 0),
                        "opening a journal changed more than a torn last line");
            fuzz::check(!restart || rows.empty(), "a restarted journal kept rows");
            fuzz::mustNotThrow(
                [&] {
                    const SweepJournal again(path, kHeader, false);
                    fuzz::check(again.droppedLines() == 0 && again.finished() == rows,
                                "a journal reopens with other rows");
                },
                "reopening an opened journal");
        },
        path);
    if (!opened)
        fuzz::check(fuzz::readWhole(path) == original, "a refused journal file was changed");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    openOnce(data, size, false);
    openOnce(data, size, true);
    return 0;
}

// The journal that makes a sweep resumable: a header line naming the sweep,
// then one JSON line per finished point, each written whole with one
// write(2) and flushed to disk before the next point counts as done.
#pragma once

#include "sweep/sweep_table.h"

#include <string>
#include <vector>

namespace axbnn {

struct SweepJournalHeader {
    std::string specHash;
    int points = 0; // points of the whole sweep
    int shardIndex = 0, shardCount = 1; // which share this journal holds
};

class SweepJournal {
public:
    // Opens `path`, creating it with `header` when it does not exist, is
    // empty or `restart` is set. An existing journal must carry the same
    // header, else std::runtime_error says whose it is and to use --restart.
    // Its finished rows are read; a torn last line (no newline, or not a
    // whole row: the process was killed while writing it) is dropped and cut
    // off the file; a bad line before the last one is an error.
    SweepJournal(const std::string& path, const SweepJournalHeader& header, bool restart);
    ~SweepJournal();
    SweepJournal(const SweepJournal&) = delete;
    SweepJournal& operator=(const SweepJournal&) = delete;

    const std::vector<SweepRow>& finished() const { return finished_; }
    int droppedLines() const { return dropped_; }
    const std::string& path() const { return path_; }

    // Appends one row as one line and flushes it (fdatasync). Not
    // thread-safe: the caller serializes appends.
    void append(const SweepRow& row);

private:
    void writeAll(const std::string& text);
    std::string path_;
    int fd_ = -1;
    std::vector<SweepRow> finished_;
    int dropped_ = 0;
};

} // namespace axbnn

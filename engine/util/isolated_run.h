// Runs a piece of work in a fork()ed child process with a time limit, so
// that a library that crashes or loops forever on hostile input takes down
// only the child (POSIX; io/hdf5_isolation.h uses it for libhdf5).
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace axbnn {

struct IsolatedRun {
    enum class Status {
        Finished, // work() returned
        Failed, // work() threw; `message` is its what()
        Signalled, // the child was killed by signal `signal`
        Died, // the child exited with status `exitCode` and no result (a sanitizer's or abort handler's exit)
        TimedOut, // still running at the time limit; killed
        NotStarted, // fork or pipe failed; `message` says why
    };
    Status status = Status::NotStarted;
    std::string message;
    std::string note; // the last isolatedNote() of the child, "" if none or cleared
    int signal = 0;
    int exitCode = 0;
};

// Forks; the child resets the crash signals to their default action, turns
// off core dumps, sends its standard error to /dev/null, runs work() and leaves with _exit (no atexit handlers, no
// static destructors). A multithreaded caller must make sure that no other
// thread holds a lock work() needs at the moment of the fork (the child has
// only the calling thread); `afterFork`, if given, runs in the parent right
// after the fork, to release such a lock early. The parent waits at most
// `timeout`, then kills the child with SIGKILL. Only this child is reaped.
IsolatedRun runIsolated(const std::function<void()>& work, std::chrono::milliseconds timeout,
                        const std::function<void()>& afterFork = {});

// In the child of runIsolated: tells the parent what is being done now
// ("file: /meta: attribute 'dataset'"), so that a crash can be placed; ""
// clears it. Does nothing in any other process.
void isolatedNote(const std::string& note);

// True in the child of runIsolated.
bool inIsolatedChild();

// "Segmentation fault" for 11, ... (strsignal, or "signal N").
std::string signalName(int signal);

} // namespace axbnn

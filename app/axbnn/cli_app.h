// The CLI::App both command-line executables start from: the name "axbnn"
// and one error line per failure, so `axbnn plot` says the same words
// whether axbnn or axbnn-export parses it.
#pragma once

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <string>

namespace axbnn::cli {

inline void configureApp(CLI::App& app)
{
    app.name("axbnn");
    app.require_subcommand(0, 1); // unknown words then name themselves in the error
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return "axbnn: error: " + std::string(e.what()) + " (run with --help for usage)\n";
    });
}

// Parses and runs the chosen command; returns the exit status. Without a
// command it prints `noCommand` as the error. Engine errors carry a message
// the user can act on: one line, exit status 1.
inline int runApp(CLI::App& app, int argc, char** argv, const std::string& noCommand)
{
    try {
        app.parse(argc, argv);
        if (app.get_subcommands().empty()) {
            std::cerr << "axbnn: error: " << noCommand << "\n";
            return 1;
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::cerr << "axbnn: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace axbnn::cli

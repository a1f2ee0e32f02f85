// Subcommands of the axbnn command line; each registers its options on the
// parent app and runs when selected.
#pragma once

#include <CLI/CLI.hpp>

namespace axbnn::cli {

void addCircuitCommand(CLI::App& app);
void addCellsCommand(CLI::App& app);
void addCostTableCommand(CLI::App& app);
void addModelCommands(CLI::App& app); // eval, model info
void addErrorModelCommand(CLI::App& app);
void addSweepCommands(CLI::App& app); // sweep, merge
void addSearchCommand(CLI::App& app); // search (docs/search.md)
void addImportNetlistCommand(CLI::App& app);
void addTrainCommand(CLI::App& app); // train (docs/training.md)
void addExportCommands(CLI::App& app); // plot, report (docs/exports.md), in axbnn-export

// axbnn hands `plot` and `report` to axbnn-export beside it (export_delegate.cpp).
bool isExportCommand(const char* word);
int runExportCommand(int argc, char** argv); // returns only when axbnn-export cannot start
void addExportCommandNames(CLI::App& app); // so that `axbnn --help` lists them

} // namespace axbnn::cli

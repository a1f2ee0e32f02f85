// axbnn: the headless command line of AxBNN Workbench.
#include "cli_app.h"
#include "commands.h"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"AxBNN Workbench command line: approximate popcount circuits and binary neural "
                 "networks.\nRun 'axbnn <command> --help' for the options of a command."};
    axbnn::cli::configureApp(app);
    if (argc >= 2 && axbnn::cli::isExportCommand(argv[1]))
        return axbnn::cli::runExportCommand(argc, argv);
    axbnn::cli::addCircuitCommand(app);
    axbnn::cli::addCellsCommand(app);
    axbnn::cli::addCostTableCommand(app);
    axbnn::cli::addModelCommands(app);
    axbnn::cli::addErrorModelCommand(app);
    axbnn::cli::addSweepCommands(app);
    axbnn::cli::addImportNetlistCommand(app);
    axbnn::cli::addTrainCommand(app);
    axbnn::cli::addExportCommandNames(app);
    try {
        app.parse(argc, argv);
        if (app.get_subcommands().empty()) {
            std::cerr << "axbnn: error: a command is required (run with --help for the list)\n";
            return 1;
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        // Engine errors carry a message the user can act on.
        std::cerr << "axbnn: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

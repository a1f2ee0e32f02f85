// axbnn: the headless command line of AxBNN Workbench.
#include "cli_app.h"
#include "commands.h"

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
    axbnn::cli::addSearchCommand(app);
    axbnn::cli::addImportNetlistCommand(app);
    axbnn::cli::addTrainCommand(app);
    axbnn::cli::addExportCommandNames(app);
    return axbnn::cli::runApp(app, argc, argv, "a command is required (run with --help for the list)");
}

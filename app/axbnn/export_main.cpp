// axbnn-export: `axbnn plot` and `axbnn report`, which need Qt Widgets and
// QCustomPlot (axbnn hands them over, export_delegate.cpp). Run by itself it
// takes the same words: axbnn-export plot --session ... --out ...
#include "cli_app.h"
#include "commands.h"

int main(int argc, char** argv)
{
    CLI::App app{"AxBNN Workbench plots and reports (the 'plot' and 'report' commands of axbnn)."};
    axbnn::cli::configureApp(app);
    axbnn::cli::addExportCommands(app);
    return axbnn::cli::runApp(app, argc, argv, "a command is required: plot or report (run with --help for usage)");
}

// QCustomPlot for code built with QT_NO_KEYWORDS: its header declares
// `signals:` and `public slots:` and loops with `foreach`, so those words are
// Qt's macros while it is read, and nothing else. Include this, never
// <qcustomplot.h>.
#pragma once

#include <QtGlobal>

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef foreach

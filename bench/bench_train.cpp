// Training speed of the native trainer (docs/performance.md): VGG3 (kernel
// 3, 5, 7) and the 784-2048-2048-10 MLP on the first 640 Fashion-MNIST
// training images (10 batches of 64; the time per image does not depend on
// the position in the epoch), reported as images/s and as the time of one
// 60k-image epoch extrapolated from it. Needs dataset-fashion-mnist.
#include "io/dataset.h"
#include "train/trainer.h"

#include <benchmark/benchmark.h>

using namespace axbnn;

namespace {

constexpr int kImages = 640;

const Dataset& trainImages()
{
    static const Dataset data = [] {
        Dataset d = loadFashionMnist(kFashionMnistDir, false);
        d.count = kImages;
        d.images.resize(static_cast<size_t>(kImages) * d.shape.size());
        d.labels.resize(kImages);
        return d;
    }();
    return data;
}

void run(benchmark::State& state, train::Arch arch)
{
    train::TrainConfig c;
    c.net.arch = arch;
    c.net.kernel = static_cast<int>(state.range(0));
    c.threads = static_cast<int>(state.range(1));
    c.epochs = 1;
    const Dataset& data = trainImages();
    for (auto _ : state) {
        train::TrainResult r = train::trainNetwork(c, data, nullptr);
        benchmark::DoNotOptimize(r.network.layers.back().weights.data());
    }
    state.counters["images_per_s"] = benchmark::Counter(kImages, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["epoch_60k_s"] = benchmark::Counter(
        kImages / 60000.0, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_TrainVgg3(benchmark::State& state)
{
    run(state, train::Arch::Vgg3);
}
void BM_TrainMlp(benchmark::State& state)
{
    run(state, train::Arch::Mlp);
}

} // namespace

BENCHMARK(BM_TrainVgg3)
    ->ArgNames({"kernel", "threads"})
    ->Args({3, 1})
    ->Args({3, 2})
    ->Args({5, 2})
    ->Args({7, 2})
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_TrainMlp)
    ->ArgNames({"kernel", "threads"})
    ->Args({0, 2})
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

BENCHMARK_MAIN();

// InferenceEngine: worker threads pull batches of images; each owns a
// ForwardPass (its scratch) and its own statistics, merged at the end. The
// calling thread only reports progress.
#include "bnn/inference.h"

#include "bnn/forward_pass.h"
#include "bnn/layer_plan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace axbnn {

namespace {

std::shared_ptr<const std::vector<LayerPlan>> makePlan(const Model& model, const InferenceConfig& config)
{
    std::vector<LayerPlan> plan = planLayers(model, config);
    addZeroImageMaps(plan);
    return std::make_shared<const std::vector<LayerPlan>>(std::move(plan));
}

} // namespace

InferenceEngine::InferenceEngine(const Model& model, InferenceConfig config)
    : config_(std::move(config)), input_(model.input), classes_(model.classes()), plan_(makePlan(model, config_))
{
    if (config_.threads < 0)
        throw std::invalid_argument("threads must be 0 (all cores) or positive");
}

InferenceEngine::~InferenceEngine() = default;
InferenceEngine::InferenceEngine(InferenceEngine&&) noexcept = default;
InferenceEngine& InferenceEngine::operator=(InferenceEngine&&) noexcept = default;

const PopcountUnit& InferenceEngine::unit(int layer) const
{
    return plan_->at(static_cast<size_t>(layer)).unit;
}

int InferenceEngine::threads() const
{
    if (config_.threads > 0)
        return config_.threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

std::vector<int> InferenceEngine::predict(const Dataset& data, int first, int count, const ProgressFn& progress) const
{
    return run(data, first, count, false, progress).predictions;
}

InferenceResult InferenceEngine::run(const Dataset& data, int first, int count, bool collectStats,
                                     const ProgressFn& progress) const
{
    if (data.shape != input_)
        throw std::invalid_argument((data.source.empty() ? std::string() : data.source + ": ") + "dataset images are "
                                    + std::to_string(data.shape.height) + "x" + std::to_string(data.shape.width) + "x"
                                    + std::to_string(data.shape.channels) + " but the model expects "
                                    + std::to_string(input_.height) + "x" + std::to_string(input_.width) + "x"
                                    + std::to_string(input_.channels));
    if (first < 0 || count < 0 || first > data.count || count > data.count - first)
        throw std::invalid_argument("images " + std::to_string(first) + ".." + std::to_string(first + count - 1)
                                    + " are outside the dataset (" + std::to_string(data.count) + " images)");
    if (data.images.size() < static_cast<size_t>(data.count) * input_.size())
        throw std::invalid_argument("dataset holds fewer pixels than its image count says");
    // A label the model cannot predict would count as wrong without a word.
    if (data.labels.size() >= static_cast<size_t>(first) + static_cast<size_t>(count))
        for (int i = first; i < first + count; ++i)
            if (data.labels[static_cast<size_t>(i)] >= classes_)
                throw std::invalid_argument((data.source.empty() ? std::string("dataset") : data.source) + ": label "
                                            + std::to_string(data.labels[static_cast<size_t>(i)]) + " of image "
                                            + std::to_string(i) + " is not a class of the model (it has "
                                            + std::to_string(classes_) + " classes, 0.." + std::to_string(classes_ - 1)
                                            + ")");

    InferenceResult result;
    result.predictions.assign(static_cast<size_t>(count), -1);
    result.scores.assign(static_cast<size_t>(count) * classes_, 0.0f);
    const int batches = (count + ForwardPass::kBatch - 1) / ForwardPass::kBatch;
    const int workers = std::max(1, std::min(threads(), batches));

    std::atomic<int> nextBatch{0}, done{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable wake;
    std::exception_ptr failure;
    std::vector<InferenceStats> stats(static_cast<size_t>(workers));
    std::vector<uint64_t> circuitGroups(workers, 0), skippedGroups(workers, 0), zeroImagePatches(workers, 0);

    auto work = [&](int id) {
        try {
            ForwardPass pass(*plan_);
            pass.countErrorsBySum(collectStats && config_.errorBySum);
            const uint8_t* images[ForwardPass::kBatch];
            for (int b; !stop && (b = nextBatch++) < batches;) {
                const int begin = b * ForwardPass::kBatch;
                const int n = std::min(ForwardPass::kBatch, count - begin);
                for (int i = 0; i < n; ++i)
                    images[i] = data.image(first + begin + i).data();
                float* scores = result.scores.data() + static_cast<size_t>(begin) * classes_;
                pass.run(images, n, scores, collectStats ? &stats[id] : nullptr);
                for (int i = 0; i < n; ++i)
                    result.predictions[begin + i] = static_cast<int>(
                        std::max_element(scores + i * classes_, scores + (i + 1) * classes_) - (scores + i * classes_));
                // Only the last batch wakes the waiting thread (progress polls
                // every 50 ms): a wake-up per batch costs a context switch.
                if ((done += n) == count) {
                    std::lock_guard lock(mutex); // no lost wake-up between its check and its wait
                    wake.notify_one();
                }
            }
            circuitGroups[id] = pass.circuitGroups();
            skippedGroups[id] = pass.skippedGroups();
            zeroImagePatches[id] = pass.zeroImagePatches();
        } catch (...) {
            std::lock_guard lock(mutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
        }
        std::lock_guard lock(mutex);
        wake.notify_one();
    };

    // A first report before any work, so a caller that cancels at once
    // always gets InferenceCancelled, however quickly the batches finish.
    if (progress && !progress(0, count))
        throw InferenceCancelled();
    std::vector<std::thread> pool;
    for (int id = 0; id < workers; ++id)
        pool.emplace_back(work, id);
    bool cancelled = false;
    {
        std::unique_lock lock(mutex);
        while (done < count && !stop) {
            wake.wait_for(lock, std::chrono::milliseconds(50));
            if (progress && !cancelled && !progress(done, count)) {
                cancelled = true;
                stop = true;
            }
        }
    }
    for (std::thread& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    if (cancelled)
        throw InferenceCancelled();
    if (progress)
        progress(count, count);

    for (int id = 0; id < workers; ++id) {
        result.stats.merge(stats[id]);
        result.circuitGroups += circuitGroups[id];
        result.skippedGroups += skippedGroups[id];
        result.zeroImagePatches += zeroImagePatches[id];
    }
    return result;
}

namespace {

void checkImageSize(size_t pixels, const Shape& input)
{
    if (pixels != static_cast<size_t>(input.size()))
        throw std::invalid_argument("image has " + std::to_string(pixels) + " pixels, the model expects "
                                    + std::to_string(input.size()));
}

} // namespace

int InferenceEngine::predictOne(std::span<const uint8_t> image) const
{
    checkImageSize(image.size(), input_);
    ForwardPass pass(*plan_);
    const uint8_t* images[1] = {image.data()};
    std::vector<float> scores(static_cast<size_t>(classes_));
    pass.run(images, 1, scores.data());
    return static_cast<int>(std::max_element(scores.begin(), scores.end()) - scores.begin());
}

ForwardTrace InferenceEngine::trace(std::span<const uint8_t> image) const
{
    checkImageSize(image.size(), input_);
    ForwardPass pass(*plan_);
    const uint8_t* images[1] = {image.data()};
    std::vector<float> scores(static_cast<size_t>(classes_));
    ForwardTrace t;
    pass.run(images, 1, scores.data(), nullptr, &t);
    return t;
}

} // namespace axbnn

// One mini-batch through the network under training: the training forward
// pass (batch statistics, error injection), its backward pass (straight-
// through estimators) and the eval-mode binarized forward pass. Internal to
// engine/train; every reduction runs over a partition fixed by the problem
// size, so results do not depend on the number of threads.
#pragma once

#include "train/error_injection.h"
#include "train/network.h"
#include "train/task_pool.h"

#include <cstdint>
#include <vector>

namespace axbnn::train {

struct LayerGrads {
    std::vector<float> weights, gamma, beta;
};

class BatchPass {
public:
    BatchPass(Network& net, TaskPool& pool, const ErrorInjector* injector);
    ~BatchPass();

    // Training forward pass on `count` images (pixels as float, image after
    // image), softmax cross-entropy against `labels`; updates the running
    // statistics with `momentum`; returns the mean loss and counts correct
    // predictions. `key` seeds this step's injected errors.
    float forwardTrain(const float* pixels, const uint8_t* labels, int count, float momentum, uint64_t key,
                       int& correct);
    // Gradients of the last forwardTrain's mean loss.
    void backward();
    const std::vector<LayerGrads>& grads() const { return grads_; }

    // Eval-mode binarized forward pass (running statistics): `scores` gets
    // count x classes values computed exactly as the folded model's scores
    // (scoreOf), so argmax agrees with the inference engine. With `inject`,
    // the injector's errors (seeded by `key`) are added as in forwardTrain:
    // the trained network on the abstracted approximate hardware.
    void forwardEval(const float* pixels, int count, float* scores, bool inject = false, uint64_t key = 0);
    // After a forward pass: layer `layer`'s values before batch-norm (after
    // max-pool), count * output positions rows of its channels.
    const float* preActivations(int layer) const;
    // The injector of the next forward passes (null: exact), e.g. another
    // approximation level per batch.
    void setInjector(const ErrorInjector* injector) { injector_ = injector && injector->active() ? injector : nullptr; }
    // One injector per image of the next forward passes (null entries:
    // exact), e.g. a level per image; empty: setInjector's for all. An
    // element draws from the same random stream as with one injector.
    void setImageInjectors(std::vector<const ErrorInjector*> perImage) { imageInjectors_ = std::move(perImage); }

    struct LayerState;

private:
    void convForward(int l, const float* in, int count);
    // Into state_[l].z of `count` images whose layer input is `in`.
    void injectErrors(int l, const float* in, int count, uint64_t key);
    void poolForward(int l, int count, bool keepArgmax);
    void bnTrain(int l, int count, float momentum);
    void bnEvalSign(int l, int count);
    void bnBackward(int l, int count);
    void convBackward(int l, const float* in, float* dIn, int count);

    Network& net_;
    TaskPool& pool_;
    const ErrorInjector* injector_;
    std::vector<const ErrorInjector*> imageInjectors_;
    std::vector<LayerState> state_;
    std::vector<LayerGrads> grads_;
    std::vector<std::vector<float>> cols_, dcols_; // per worker scratch
    const float* input_ = nullptr;
    std::vector<float> dScores_;
    int count_ = 0;
};

} // namespace axbnn::train

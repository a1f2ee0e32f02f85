// Architecture names, configuration checks and the recipe text.
#include "train/train_config.h"

#include "circuit/knobs.h"
#include "train/error_injection.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace axbnn::train {

std::string archName(Arch arch)
{
    return arch == Arch::Mlp ? "fc" : "vgg3";
}

std::optional<Arch> archFromName(const std::string& name)
{
    if (name == "fc" || name == "mlp")
        return Arch::Mlp;
    if (name == "vgg3")
        return Arch::Vgg3;
    return std::nullopt;
}

void validateTrainConfig(const TrainConfig& c)
{
    const NetworkSpec& n = c.net;
    if (n.input.height <= 0 || n.input.width <= 0 || n.input.channels <= 0)
        throw std::invalid_argument("input images must have a positive size");
    if (n.input.height != n.input.width)
        throw std::invalid_argument("the trainer needs square images (got " + std::to_string(n.input.height) + "x"
                                    + std::to_string(n.input.width) + ")");
    if (n.classes < 2)
        throw std::invalid_argument("training needs at least 2 classes, the data has " + std::to_string(n.classes));
    if (n.hidden < 1 || n.hidden > 65536)
        throw std::invalid_argument("hidden width must be 1..65536, got " + std::to_string(n.hidden));
    if (n.arch == Arch::Vgg3) {
        if (n.channels < 1 || n.channels > 4096)
            throw std::invalid_argument("convolution channels must be 1..4096, got " + std::to_string(n.channels));
        if (n.input.height % 4 != 0 || n.input.width % 4 != 0)
            throw std::invalid_argument("VGG3 pools twice by 2, so the image size must be a multiple of 4 (got "
                                        + std::to_string(n.input.height) + "x" + std::to_string(n.input.width) + ")");
        const int inner = std::min(n.input.height, n.input.width) / 2; // the second convolution's input
        if (n.kernel < 1 || n.kernel % 2 == 0 || n.kernel > inner)
            throw std::invalid_argument("kernel " + std::to_string(n.kernel)
                                        + " does not fit: VGG3 needs an odd kernel (padding kernel/2 "
                                          "keeps the image size) no larger than the "
                                        + std::to_string(inner) + "x" + std::to_string(inner)
                                        + " input of its second convolution, e.g. 3, 5 or 7");
    }
    if (c.epochs < 0 || (c.epochs == 0 && !c.init))
        throw std::invalid_argument("epochs must be positive, got " + std::to_string(c.epochs)
                                    + (c.epochs == 0 ? " (0 only when fine-tuning: the init model re-folded)" : ""));
    if (c.batch < 2 || c.batch > 4096)
        throw std::invalid_argument("batch size must be 2..4096 (batch-norm needs batch statistics), got "
                                    + std::to_string(c.batch));
    if (!(c.learningRate > 0.0f) || c.learningRate > 1.0f)
        throw std::invalid_argument("learning rate must be in (0, 1], got " + std::to_string(c.learningRate));
    if (!(c.finalLrFraction >= 0.0f && c.finalLrFraction <= 1.0f))
        throw std::invalid_argument("final learning-rate fraction must be in [0, 1]");
    if (!(c.bnMomentum >= 0.0f && c.bnMomentum < 1.0f) || !(c.bnEpsilon > 0.0f))
        throw std::invalid_argument("batch-norm momentum must be in [0, 1) and epsilon positive");
    if (c.augmentShift < 0 || c.augmentShift > 4)
        throw std::invalid_argument("augmentation shift must be 0..4 pixels");
    if (c.threads < 0)
        throw std::invalid_argument("threads must be 0 (all cores) or positive");
    if (!(c.warmupFraction >= 0.0f && c.warmupFraction < 1.0f))
        throw std::invalid_argument("warm-up fraction must be in [0, 1), got " + std::to_string(c.warmupFraction));
    if ((c.errorModel || c.circuit) && !c.levels.empty())
        throw std::invalid_argument("give either one error source or a list of approximation levels, not both");
    if (c.errorModel && c.circuit)
        throw std::invalid_argument("give either an error model or circuits (hardware in the loop), not both");
    for (const TrainLevel& level : c.levels)
        if (level.errors && level.circuit)
            throw std::invalid_argument("level '" + level.label
                                        + "' has both an error model and circuits (hardware in the loop)");
    if (!(c.initLatent > 0.0f && c.initLatent <= 64.0f))
        throw std::invalid_argument("initial latent-weight scale must be in (0, 64], got "
                                    + std::to_string(c.initLatent));
}

std::string levelLabel(int lsbColumns, int levels)
{
    if (lsbColumns == 0 && levels == 0)
        return kExactLevelLabel;
    std::string s;
    if (lsbColumns > 0)
        s = std::string(knobName(Knob::LsbColumns)) + " " + std::to_string(lsbColumns);
    if (levels > 0)
        s += (s.empty() ? "" : ", ") + std::string(knobName(Knob::Levels)) + " " + std::to_string(levels);
    return s;
}

namespace {

constexpr LevelMixInfo kLevelMixes[] = {{LevelMix::Batch, "batch"}, {LevelMix::Image, "image"}};

} // namespace

std::span<const LevelMixInfo> levelMixes()
{
    return kLevelMixes;
}

std::optional<LevelMix> levelMixFromName(const std::string& name)
{
    for (const LevelMixInfo& m : kLevelMixes)
        if (name == m.name)
            return m.mix;
    return std::nullopt;
}

const char* levelMixName(LevelMix mix)
{
    for (const LevelMixInfo& m : kLevelMixes)
        if (m.mix == mix)
            return m.name;
    return "";
}

std::vector<int> levelsOfImages(const TrainConfig& c, int64_t step, int count)
{
    const int n = std::max<int>(1, static_cast<int>(c.levels.size()));
    std::vector<int> perm(count);
    std::iota(perm.begin(), perm.end(), 0);
    const uint64_t key = streamKey(c.seed, 0x1e7e16, static_cast<uint64_t>(step));
    for (int i = count - 1; i > 0; --i)
        std::swap(perm[i], perm[mix64(key + i) % static_cast<uint64_t>(i + 1)]);
    for (int& p : perm)
        p %= n;
    return perm;
}

int levelOfStep(const TrainConfig& c, int64_t step)
{
    const int n = static_cast<int>(c.levels.size());
    if (n <= 1)
        return 0;
    const int64_t cycle = (step - 1) / n;
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    const uint64_t key = streamKey(c.seed, 0x1e7e15, static_cast<uint64_t>(cycle));
    for (int i = n - 1; i > 0; --i)
        std::swap(order[i], order[mix64(key + i) % static_cast<uint64_t>(i + 1)]);
    return order[(step - 1) % n];
}

float learningRateAt(const TrainConfig& c, int64_t step, int64_t totalSteps)
{
    const int64_t warmup = std::llround(static_cast<double>(c.warmupFraction) * totalSteps);
    if (step <= warmup)
        return c.learningRate * static_cast<float>(step) / static_cast<float>(warmup);
    const double t = static_cast<double>(step - 1 - warmup) / std::max<int64_t>(1, totalSteps - 1 - warmup);
    return c.learningRate
        * (c.finalLrFraction
           + (1.0f - c.finalLrFraction) * 0.5f * static_cast<float>(1.0 + std::cos(std::numbers::pi * t)));
}

std::vector<int> modelLayerIndices(const NetworkSpec& spec)
{
    if (spec.arch == Arch::Mlp)
        return {0, 1, 2};
    return {0, 2, 4, 5};
}

bool hardwareInTheLoop(const TrainConfig& c)
{
    return c.circuit || std::any_of(c.levels.begin(), c.levels.end(), [](const TrainLevel& l) { return l.circuit; });
}

std::string recipeText(const TrainConfig& c)
{
    std::ostringstream s;
    s << "axbnn native trainer: arch " << archName(c.net.arch);
    if (c.net.arch == Arch::Vgg3)
        s << ", kernel " << c.net.kernel << ", channels " << c.net.channels;
    s << ", hidden " << c.net.hidden << "; epochs " << c.epochs << ", batch " << c.batch << ", Adam lr "
      << c.learningRate << " cosine to " << c.learningRate * c.finalLrFraction << "; batch-norm momentum "
      << c.bnMomentum << ", eps " << c.bnEpsilon << "; STE (sign, |pre-activation| <= 1), latent weights clipped to "
      << "[-1, 1]; augment " << (c.augment ? "shift +-" + std::to_string(c.augmentShift) : std::string("none"))
      << "; seed " << c.seed << (c.errorModel ? "; error injection from the abstracted error model" : "")
      << (hardwareInTheLoop(c) ? "; hardware in the loop (forward pass through the bit-exact circuits)" : "");
    if (c.warmupFraction > 0.0f)
        s << "; linear warm-up over " << c.warmupFraction * 100 << "% of the steps";
    if (!c.levels.empty()) {
        s << "; multi-level training, one level per " << levelMixName(c.levelMix) << " of:";
        for (size_t i = 0; i < c.levels.size(); ++i)
            s << (i ? ", " : " ") << c.levels[i].label;
    }
    if (c.init)
        s << "; fine-tuned from " << (c.initName.empty() ? std::string("a model") : c.initName)
          << " (latent weights sign * " << c.initLatent << " / sqrt(fan-in))";
    return s.str();
}

} // namespace axbnn::train

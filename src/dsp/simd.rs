//! Which vector instructions the audio kernels are compiled for, chosen at run time from what the CPU has. The
//! release build targets baseline x86-64 (SSE2, four floats per instruction) so it runs anywhere; on a CPU with
//! AVX2 the hot processors run a second copy of their code compiled for it (eight floats per instruction).
//! Detection runs on the control thread; `run` is real-time.
//!
//! The two copies give the same bits: Rust never fuses a multiply and an add on its own, and every other
//! operation the kernels use (+ − × ÷, min/max, compares, conversions) is exactly rounded in both instruction
//! sets. A test renders every example patch both ways and compares.

// The one place the crate allows `unsafe`: calling a function compiled for instructions the CPU may lack, which
// is sound only after asking the CPU, as `best` does.
#![allow(unsafe_code)]

use super::{Block, Ctx};

/// The instruction set the kernels run with. Only `best` can pick AVX2, and only on a CPU that has it, which is
/// what makes `run` safe to call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Simd(Level);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Baseline,
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

impl Simd {
    /// Baseline instructions, whatever the CPU has.
    pub const BASELINE: Self = Self(Level::Baseline);

    /// The widest set this CPU runs. `std` caches the CPUID answer, so this is a few loads after the first call.
    pub fn best() -> Self {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            return Self(Level::Avx2);
        }
        Self::BASELINE
    }

    /// Whether the wider set is in use.
    pub fn is_wide(self) -> bool {
        self != Self::BASELINE
    }

    /// A short name for reports: `avx2` or `baseline`.
    pub fn name(self) -> &'static str {
        if self.is_wide() { "avx2" } else { "baseline" }
    }

    /// Run `k` compiled for this instruction set. Real-time.
    #[inline(always)]
    pub fn run<K: Kernel>(self, k: K) -> K::Output {
        #[cfg(target_arch = "x86_64")]
        if self.0 == Level::Avx2 {
            // SAFETY: `Level::Avx2` is only made by `best`, after the CPU reported AVX2 and FMA.
            return unsafe { avx2(k) };
        }
        k.run()
    }

    /// A processor's block, through `run`. Real-time.
    #[inline(always)]
    pub fn render<P: Render>(self, p: &mut P, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        self.run(Rendering(p, ctx, ins, outs));
    }
}

/// Work compiled for either instruction set. `run` must be `#[inline(always)]`, as must what it calls that
/// should be wide: only code inlined into the AVX2 copy is compiled for AVX2. (A closure would not do: the
/// compiler keeps its body out of line, compiled for the baseline.)
pub trait Kernel {
    type Output;
    fn run(self) -> Self::Output;
}

/// A processor's work for one block, with `process`'s arguments; its `process` calls `ctx.simd.render`.
pub trait Render {
    fn render(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]);
}

struct Rendering<'a, P>(&'a mut P, &'a Ctx, &'a [&'a [f32]], &'a mut [Block]);

impl<P: Render> Kernel for Rendering<'_, P> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.0.render(self.1, self.2, self.3);
    }
}

/// `k`, with its inlined body compiled for AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2<K: Kernel>(k: K) -> K::Output {
    k.run()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Affine<'a>(&'a [f32]);

    impl Kernel for Affine<'_> {
        type Output = Vec<f32>;

        #[inline(always)]
        fn run(self) -> Vec<f32> {
            self.0.iter().map(|v| (v * 1.5 + 0.25) / 3.0).collect()
        }
    }

    #[test]
    fn both_levels_give_the_same_bits() {
        let x: Vec<f32> = (0..257).map(|i| (i as f32 * 0.37).sin() * 1e3).collect();
        let a = Simd::BASELINE.run(Affine(&x));
        let b = Simd::best().run(Affine(&x));
        assert_eq!(
            a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        assert!(!Simd::BASELINE.is_wide());
        assert_eq!(Simd::BASELINE.name(), "baseline");
    }
}

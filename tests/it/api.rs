//! Every public type can cross threads and unwinding: a pipeline holds models, indexes and
//! results in worker threads, a Python binding behind `catch_unwind`.

use std::panic::{RefUnwindSafe, UnwindSafe};

fn assert_all<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}

#[test]
fn public_types_are_send_sync_and_unwind_safe() {
    use parasift::pipeline::{
        IndexSource, InputFile, OutputKind, Parsed, Pass, Progress, Reject, Report, RunOptions,
        Silent, Summary,
    };
    use parasift::*;
    assert_all::<BlockTag>();
    assert_all::<CorpusCounts>();
    assert_all::<CorpusIndex>();
    assert_all::<DetectOptions<'static>>();
    assert_all::<DocAnalysis<'static>>();
    assert_all::<DocKeys>();
    assert_all::<DocPrediction>();
    assert_all::<Document>();
    assert_all::<DocumentLanguage>();
    assert_all::<Error>();
    assert_all::<FeatureSchema>();
    assert_all::<Format>();
    assert_all::<Hints>();
    assert_all::<InputFormat>();
    assert_all::<JsonlKeys>();
    assert_all::<Label>();
    assert_all::<LabeledSegments>();
    assert_all::<Lang>();
    assert_all::<LangGuess>();
    assert_all::<Model>();
    assert_all::<Paragraph>();
    assert_all::<Prediction>();
    assert_all::<ReadOptions>();
    assert_all::<ScriptClass>();
    assert_all::<ScriptHistogram>();
    assert_all::<TextMode>();
    assert_all::<IndexSource>();
    assert_all::<InputFile>();
    assert_all::<OutputKind>();
    assert_all::<Parsed>();
    assert_all::<Pass>();
    assert_all::<Progress>();
    assert_all::<Reject>();
    assert_all::<Report<'static>>();
    assert_all::<RunOptions>();
    assert_all::<Silent>();
    assert_all::<Summary>();
    assert_all::<Classifier>();
    assert_all::<FlatTree>();
    assert_all::<Header>();
    use parasift::train::{
        EvalReport, LabeledDoc, ModelKind, TrainParams, TrainValidParams, lang_tables::TablesData,
    };
    assert_all::<EvalReport>();
    assert_all::<LabeledDoc>();
    assert_all::<ModelKind>();
    assert_all::<TrainParams>();
    assert_all::<TrainValidParams>();
    assert_all::<TablesData>();
}

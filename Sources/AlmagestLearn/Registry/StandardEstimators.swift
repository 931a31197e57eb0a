import AlmagestCore

extension EstimatorRegistry {
    /// Registers Almagest's own estimators: one line each. A new estimator conforms to
    /// `RegisteredEstimator` in its own file and adds its line here.
    func registerStandardEstimators() throws {
        try register(transformer: StandardScaler.self)
        try register(transformer: RobustScaler.self)
        try register(transformer: MinMaxScaler.self)
        try register(transformer: PowerTransformer.self)
        try register(transformer: SimpleImputer.self)
        try register(transformer: PCA.self)
        try register(transformer: OneHotEncoder.self)
        try register(sampler: SMOTE.self)
        try register(sampler: IQROutlierFilter.self)
        try register(sampler: ZScoreOutlierFilter.self)
        try register(clusterer: KMeans.self)
        try register(clusterer: MiniBatchKMeans.self)
        try register(clusterer: GeminiMMDClustering.self)
        try register(clusterer: GeminiWassersteinClustering.self)
        try register(clusterer: FisherEM.self)
        try register(classifier: MLPClassifier.self)
        try register(classifier: DecisionTreeClassifier.self)
        try register(classifier: RandomForestClassifier.self)
        try register(classifier: ExtraTreesClassifier.self)
        try register(classifier: GaussianNaiveBayes.self)
        try register(classifier: LogisticRegression.self)
        try register(classifier: KNeighborsClassifier.self)
        try register(classifier: AdaBoostClassifier.self)
        try register(classifier: SupportVectorClassifier.self)
        try register(classifier: GradientBoostingClassifier.self)
        try register(factorizer: FactorizationSpec.self)
    }
}

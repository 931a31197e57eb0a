import Foundation

extension Dataset {
    /// The wavelengths of the columns when the data set holds spectra — every feature name is a
    /// number and they strictly increase (as `SpectraCollection.dataset()` names them, and as a
    /// CSV of spectra with a wavelength header reads); nil otherwise, or for fewer than two columns.
    ///
    /// ```swift
    /// let data = try SpectraCollection.load(from: folder).dataset()
    /// data.spectralWavelengths     // [3800.0, 3800.875, ...]
    /// ```
    public var spectralWavelengths: [Double]? {
        guard featureNames.count >= 2 else { return nil }
        var values = [Double]()
        values.reserveCapacity(featureNames.count)
        for name in featureNames {
            guard let v = Double(name.trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
            if let last = values.last, v <= last { return nil }
            values.append(v)
        }
        return values
    }
}

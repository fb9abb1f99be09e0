ValueError: This model has not yet been built. Build the model first by calling `build()` or by calling the model on a batch of data.
Epoch 1/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 2/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 3/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 4/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 5/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 6/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 7/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 8/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 9/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 10/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
re:4/4 \[==============================\] - {time} - loss: {num} - accuracy: {num}
re:Loss: [0-9]+\.[0-9]+(e-[0-9]+)?
re:Accuracy: [01]\.[0-9]+(e-[0-9]+)?
re:Score: [01]\.[0-9]+(e-[0-9]+)?
re:1/1 \[==============================\] - {time}
re:\[\[([0-9.e+-]+ +){5}[0-9.e+-]+
re:  ([0-9.e+-]+ +){3}[0-9.e+-]+\]\]
re:\[[0-9]\]
float float
True
(1, 10) float32 1.0
(1,) True
